; Inno Setup script of the Windows installer: Besedka-Setup-VERSION.exe.
;
; It wraps the PyInstaller bundles that `python packaging\build.py` leaves in
; dist\ (the same specs as the Linux build) and is compiled on Windows only:
;
;     python packaging\build.py --no-installer
;     iscc /DAppVersion=<output of: python packaging\version.py> packaging\windows\besedka.iss
;
; packaging\windows\build-windows.yml does exactly this on a GitHub Actions
; Windows runner.  The version is deliberately not written here: it comes
; from protocol\version.py (BESEDKA_VERSION) through /DAppVersion, like the
; bundles' and the .deb's.
;
; Layout (as in the .deb): the client in {app}, the optional server in
; {app}\server.  Chat data is never in {app}: the server keeps its database
; in %LOCALAPPDATA%\Besedka of the account that runs it, and the uninstaller
; leaves it there.

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
#define FirewallRule "Besedka server"

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
english.FirewallTask=Allow other PCs to reach the server through Windows Defender Firewall (TCP port {#ServerPort})
russian.FirewallTask=Разрешить другим компьютерам подключаться к серверу через брандмауэр Защитника Windows (TCP-порт {#ServerPort})
english.AutostartTask=Start the server when I log in
russian.AutostartTask=Запускать сервер при входе в систему
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
Name: "firewall"; Description: "{cm:FirewallTask}"; GroupDescription: "{cm:ServerGroup}"; Components: server; Check: IsAdminInstallMode
Name: "autostart"; Description: "{cm:AutostartTask}"; GroupDescription: "{cm:ServerGroup}"; Components: server; Flags: unchecked

[Files]
; besedka-scripted.exe in the bundle is for the packaging tests only.
Source: "{#ClientBundle}\*"; Excludes: "{#ScriptedExe}"; DestDir: "{app}"; Components: client; Flags: ignoreversion recursesubdirs createallsubdirs
Source: "{#ServerBundle}\*"; DestDir: "{app}\server"; Components: server; Flags: ignoreversion recursesubdirs createallsubdirs
Source: "..\README.md"; DestDir: "{app}"; DestName: "README.md"; Flags: ignoreversion

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#ClientExe}"; Comment: "Chat with the people on your local network"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#ClientExe}"; Tasks: desktopicon
Name: "{group}\{cm:ServerShortcut}"; Filename: "{app}\server\{#ServerExe}"; WorkingDir: "{app}\server"; Components: server
Name: "{userstartup}\{cm:ServerShortcut}"; Filename: "{app}\server\{#ServerExe}"; WorkingDir: "{app}\server"; Tasks: autostart
Name: "{group}\{cm:UninstallProgram,{#AppName}}"; Filename: "{uninstallexe}"

[Run]
; Delete first so that reinstalling does not stack duplicate rules.
Filename: "{sys}\netsh.exe"; Parameters: "advfirewall firewall delete rule name=""{#FirewallRule}"""; Flags: runhidden; Tasks: firewall
Filename: "{sys}\netsh.exe"; Parameters: "advfirewall firewall add rule name=""{#FirewallRule}"" dir=in action=allow protocol=TCP localport={#ServerPort} program=""{app}\server\{#ServerExe}"" enable=yes profile=private,domain"; Flags: runhidden; Tasks: firewall
Filename: "{app}\{#ClientExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[UninstallRun]
Filename: "{sys}\netsh.exe"; Parameters: "advfirewall firewall delete rule name=""{#FirewallRule}"""; Flags: runhidden; RunOnceId: "DeleteFirewallRule"; Tasks: firewall
