; Inno Setup script of the Windows installer: Besedka-Setup-VERSION.exe.
;
; It wraps the PyInstaller bundles that `python packaging\build.py` leaves in
; dist\ (the same specs as the Linux build) and is compiled on Windows only:
;
;     python packaging\build.py --no-installer
;     iscc /DAppVersion=<output of: python packaging\version.py> packaging\windows\besedka.iss
;
; .github\workflows\windows.yml does exactly this on a GitHub Actions
; Windows runner.  The version is deliberately not written here: it comes
; from protocol\version.py (BESEDKA_VERSION) through /DAppVersion, like the
; bundles' and the .deb's.
;
; Layout (as in the .deb): the client in {app}, the optional server in
; {app}\server.  Chat data is never in {app}: the server run as a Windows
; service (the "service" task; server\winservice.py) keeps it in
; C:\ProgramData\Besedka, readable by the service's account and the
; Administrators only; run by a user, in that user's %LOCALAPPDATA%\Besedka.
; The uninstaller leaves the data where it is.
;
; Inno Setup 6.3 or newer: older ones do not know x64compatible below.

#if VER < EncodeVer(6, 3, 0)
  #error Inno Setup 6.3 or newer is needed (ArchitecturesAllowed=x64compatible)
#endif

#ifndef AppVersion
  #error Pass the version: iscc /DAppVersion=X.Y.Z (python packaging\version.py prints it)
#endif

#define AppName "Besedka"
#define ClientExe "Besedka.exe"
#define ScriptedExe "besedka-scripted.exe"
#define ServerExe "besedka-server.exe"
#define ClientBundle "..\..\dist\Besedka"
#define ServerBundle "..\..\dist\besedka-server"
#define ServerPort "7447"
; Multicast DNS, with which servers announce themselves and clients find them.
#define DiscoveryPort "5353"
#define FirewallRule "Besedka server"
#define ServerDiscoveryRule "Besedka server (LAN discovery)"
#define ClientDiscoveryRule "Besedka (LAN discovery)"
; server\winservice.py SERVICE_NAME
#define ServiceName "BesedkaServer"

[Setup]
; AppId identifies the product to Windows across versions; never change it.
AppId={{6B0E2F4C-9D1A-4E5B-8C3F-2A7D9E1B4C60}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Besedka
DefaultDirName={autopf}\Besedka
DefaultGroupName=Besedka
DisableProgramGroupPage=yes
; Per-machine by default (the firewall rule needs it); a user without admin
; rights may choose a per-user install of the client.
PrivilegesRequired=admin
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir=..\..\dist
OutputBaseFilename=Besedka-Setup-{#AppVersion}
SetupIconFile=..\icons\besedka.ico
UninstallDisplayIcon={app}\{#ClientExe}
UninstallDisplayName={#AppName} {#AppVersion}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
CloseApplications=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"
Name: "russian"; MessagesFile: "compiler:Languages\Russian.isl"

[CustomMessages]
english.ClientComponent=Besedka chat client
russian.ClientComponent=Клиент чата Besedka
english.ServerComponent=Besedka server: makes this PC the chat server of the local network
russian.ServerComponent=Сервер Besedka: этот компьютер станет сервером чата в локальной сети
english.TypeClient=Chat client only
russian.TypeClient=Только клиент чата
english.TypeFull=Chat client and server
russian.TypeFull=Клиент и сервер чата
english.TypeCustom=Custom
russian.TypeCustom=Выборочная установка
english.FirewallGroup=Windows Defender Firewall (private and domain networks):
russian.FirewallGroup=Брандмауэр Защитника Windows (частные сети и сети домена):
english.FirewallTask=Let Besedka through: finding servers on the LAN (UDP port {#DiscoveryPort}) and, for the server, connections from other PCs (TCP port {#ServerPort})
russian.FirewallTask=Разрешить Besedka: поиск серверов в локальной сети (UDP-порт {#DiscoveryPort}), а для сервера — подключения с других компьютеров (TCP-порт {#ServerPort})
english.ServiceTask=Run the server as a Windows service: it starts with Windows, before anyone logs in, with its data in C:\ProgramData\Besedka
russian.ServiceTask=Запускать сервер как службу Windows: вместе с Windows, до входа пользователей; данные в C:\ProgramData\Besedka
english.AutostartTask=Start the server when I log in instead (data in my own profile)
russian.AutostartTask=Вместо этого запускать сервер при моём входе в систему (данные в моём профиле)
english.InstallingService=Installing the Besedka server service...
russian.InstallingService=Установка службы сервера Besedka...
english.ServerShortcut=Besedka Server
russian.ServerShortcut=Сервер Besedka
english.ServerGroup=Server:
russian.ServerGroup=Сервер:

[Types]
Name: "client"; Description: "{cm:TypeClient}"
Name: "full"; Description: "{cm:TypeFull}"
Name: "custom"; Description: "{cm:TypeCustom}"; Flags: iscustom

[Components]
Name: "client"; Description: "{cm:ClientComponent}"; Types: client full custom; Flags: fixed
Name: "server"; Description: "{cm:ServerComponent}"; Types: full

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"
; For every PC, not only the server's: a standard user of a lab PC cannot
; approve the firewall's prompt, and the client listens for announcements.
Name: "firewall"; Description: "{cm:FirewallTask}"; GroupDescription: "{cm:FirewallGroup}"; Check: IsAdminInstallMode
Name: "service"; Description: "{cm:ServiceTask}"; GroupDescription: "{cm:ServerGroup}"; Components: server; Check: IsAdminInstallMode
Name: "autostart"; Description: "{cm:AutostartTask}"; GroupDescription: "{cm:ServerGroup}"; Components: server; Flags: unchecked

[InstallDelete]
; An upgrade must not leave the previous version's bundle behind: Qt would
; load a stale plugin from it, and Python a stale module.
Type: filesandordirs; Name: "{app}\_internal"
Type: filesandordirs; Name: "{app}\server\_internal"

[Files]
; besedka-scripted.exe in the bundle is for the packaging tests only.
Source: "{#ClientBundle}\*"; Excludes: "{#ScriptedExe}"; DestDir: "{app}"; Components: client; Flags: ignoreversion recursesubdirs createallsubdirs
Source: "{#ServerBundle}\*"; DestDir: "{app}\server"; Components: server; Flags: ignoreversion recursesubdirs createallsubdirs
Source: "..\README.md"; DestDir: "{app}"; DestName: "README.md"; Flags: ignoreversion
; The servers an administrator trusts for the users (README, "Pre-trusting a
; server"): a besedka-trust.txt lying beside the setup program goes beside
; the client, where the client reads it.
Source: "{src}\besedka-trust.txt"; DestDir: "{app}"; Components: client; Flags: external skipifsourcedoesntexist ignoreversion

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#ClientExe}"; Comment: "Chat with the people on your local network"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#ClientExe}"; Tasks: desktopicon
Name: "{group}\{cm:ServerShortcut}"; Filename: "{app}\server\{#ServerExe}"; WorkingDir: "{app}\server"; Components: server
Name: "{userstartup}\{cm:ServerShortcut}"; Filename: "{app}\server\{#ServerExe}"; WorkingDir: "{app}\server"; Tasks: autostart
Name: "{group}\{cm:UninstallProgram,{#AppName}}"; Filename: "{uninstallexe}"

[Run]
; Firewall rules, each for its program only.  Delete first so that
; reinstalling does not stack duplicate rules.
Filename: "{sys}\netsh.exe"; Parameters: "advfirewall firewall delete rule name=""{#ClientDiscoveryRule}"""; Flags: runhidden; Tasks: firewall
Filename: "{sys}\netsh.exe"; Parameters: "advfirewall firewall add rule name=""{#ClientDiscoveryRule}"" dir=in action=allow protocol=UDP localport={#DiscoveryPort} program=""{app}\{#ClientExe}"" enable=yes profile=private,domain"; Flags: runhidden; Tasks: firewall
Filename: "{sys}\netsh.exe"; Parameters: "advfirewall firewall delete rule name=""{#FirewallRule}"""; Flags: runhidden; Tasks: firewall; Components: server
Filename: "{sys}\netsh.exe"; Parameters: "advfirewall firewall add rule name=""{#FirewallRule}"" dir=in action=allow protocol=TCP localport={#ServerPort} program=""{app}\server\{#ServerExe}"" enable=yes profile=private,domain"; Flags: runhidden; Tasks: firewall; Components: server
Filename: "{sys}\netsh.exe"; Parameters: "advfirewall firewall delete rule name=""{#ServerDiscoveryRule}"""; Flags: runhidden; Tasks: firewall; Components: server
Filename: "{sys}\netsh.exe"; Parameters: "advfirewall firewall add rule name=""{#ServerDiscoveryRule}"" dir=in action=allow protocol=UDP localport={#DiscoveryPort} program=""{app}\server\{#ServerExe}"" enable=yes profile=private,domain"; Flags: runhidden; Tasks: firewall; Components: server
; The service: registered (or updated, on an upgrade) and started; removed
; again when an upgrade drops the task.  The data stays either way.
Filename: "{app}\server\{#ServerExe}"; Parameters: "service install --start"; StatusMsg: "{cm:InstallingService}"; Flags: runhidden waituntilterminated; Tasks: service
Filename: "{app}\server\{#ServerExe}"; Parameters: "service remove"; Flags: runhidden waituntilterminated; Components: server; Tasks: not service; Check: IsAdminInstallMode
Filename: "{app}\{#ClientExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[UninstallRun]
; Before the files go: the service stops cleanly and is unregistered.
Filename: "{app}\server\{#ServerExe}"; Parameters: "service remove"; Flags: runhidden waituntilterminated; RunOnceId: "RemoveService"; Tasks: service
Filename: "{sys}\netsh.exe"; Parameters: "advfirewall firewall delete rule name=""{#FirewallRule}"""; Flags: runhidden; RunOnceId: "DeleteFirewallRule"; Tasks: firewall
Filename: "{sys}\netsh.exe"; Parameters: "advfirewall firewall delete rule name=""{#ServerDiscoveryRule}"""; Flags: runhidden; RunOnceId: "DeleteServerDiscoveryRule"; Tasks: firewall
Filename: "{sys}\netsh.exe"; Parameters: "advfirewall firewall delete rule name=""{#ClientDiscoveryRule}"""; Flags: runhidden; RunOnceId: "DeleteClientDiscoveryRule"; Tasks: firewall

[Code]
// An upgrade replaces the files the service runs: stop it first (net stop
// waits until it has stopped cleanly); "service install --start" starts
// it again afterwards.  Nothing happens where there is no such service.
function PrepareToInstall(var NeedsRestart: Boolean): String;
var
  ResultCode: Integer;
begin
  Result := '';
  if IsAdminInstallMode then
    Exec(ExpandConstant('{sys}\net.exe'), 'stop {#ServiceName}', '', SW_HIDE,
         ewWaitUntilTerminated, ResultCode);
end;
