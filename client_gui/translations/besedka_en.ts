<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
    <context>
    <name>Besedka</name>
    <message>
        <location filename="../app.py" line="194" />
        <source>Enter your password.</source>
        <translation>Enter your password.</translation>
    </message>
    <message>
        <location filename="../app.py" line="324" />
        <source>You were logged out: %1</source>
        <translation>You were logged out: %1</translation>
    </message>
</context><context>
    <name>ChangePasswordDialog</name>
    <message>
        <location filename="../dialogs.py" line="76" />
        <source>Change password</source>
        <translation>Change password</translation>
    </message>
    <message>
        <location filename="../dialogs.py" line="78" />
        <source>&amp;Current password:</source>
        <translation>&amp;Current password:</translation>
    </message>
    <message>
        <location filename="../dialogs.py" line="79" />
        <source>&amp;New password:</source>
        <translation>&amp;New password:</translation>
    </message>
    <message>
        <location filename="../dialogs.py" line="80" />
        <source>&amp;Repeat new password:</source>
        <translation>&amp;Repeat new password:</translation>
    </message>
    <message>
        <location filename="../dialogs.py" line="93" />
        <source>The passwords do not match.</source>
        <translation>The passwords do not match.</translation>
    </message>
    <message>
        <location filename="../dialogs.py" line="94" />
        <source>Enter your current password.</source>
        <translation>Enter your current password.</translation>
    </message>
    <message>
        <location filename="../dialogs.py" line="115" />
        <source>The current password is wrong.</source>
        <translation>The current password is wrong.</translation>
    </message>
    <message>
        <location filename="../dialogs.py" line="121" />
        <source>Not connected to the server. Try again when the connection is back.</source>
        <translation>Not connected to the server. Try again when the connection is back.</translation>
    </message>
</context><context>
    <name>ChatWindow</name>
    <message>
        <location filename="../chat_window.py" line="242" />
        <source>&amp;Account</source>
        <translation>&amp;Account</translation>
    </message>
    <message>
        <location filename="../chat_window.py" line="243" />
        <source>&amp;Change password…</source>
        <translation>&amp;Change password…</translation>
    </message>
    <message>
        <location filename="../chat_window.py" line="244" />
        <source>&amp;Sessions…</source>
        <translation>&amp;Sessions…</translation>
    </message>
    <message>
        <location filename="../chat_window.py" line="245" />
        <source>&amp;Log out</source>
        <translation>&amp;Log out</translation>
    </message>
    <message>
        <location filename="../chat_window.py" line="246" />
        <source>&amp;Quit</source>
        <translation>&amp;Quit</translation>
    </message>
    <message>
        <location filename="../chat_window.py" line="247" />
        <source>L&amp;anguage</source>
        <translation>L&amp;anguage</translation>
    </message>
    <message>
        <location filename="../chat_window.py" line="248" />
        <source>&amp;Help</source>
        <translation>&amp;Help</translation>
    </message>
    <message>
        <location filename="../chat_window.py" line="249" />
        <source>&amp;About Besedka</source>
        <translation>&amp;About Besedka</translation>
    </message>
    <message>
        <location filename="../chat_window.py" line="250" />
        <source>Filter conversations</source>
        <translation>Filter conversations</translation>
    </message>
    <message>
        <location filename="../chat_window.py" line="252" />
        <source>Write a message. Enter sends, Shift+Enter starts a new line.</source>
        <translation>Write a message. Enter sends, Shift+Enter starts a new line.</translation>
    </message>
    <message>
        <location filename="../chat_window.py" line="253" />
        <source>&amp;Send</source>
        <translation>&amp;Send</translation>
    </message>
    <message>
        <location filename="../chat_window.py" line="254" />
        <source>Send (Enter)</source>
        <translation>Send (Enter)</translation>
    </message>
    <message>
        <location filename="../chat_window.py" line="255" />
        <source>Reconnect &amp;now</source>
        <translation>Reconnect &amp;now</translation>
    </message>
    <message>
        <location filename="../chat_window.py" line="257" />
        <source>Besedka</source>
        <translation>Besedka</translation>
    </message>
    <message>
        <location filename="../chat_window.py" line="382" />
        <source>(%1) Besedka — %2</source>
        <translation>(%1) Besedka — %2</translation>
    </message>
    <message>
        <location filename="../chat_window.py" line="385" />
        <source>Besedka — %1</source>
        <translation>Besedka — %1</translation>
    </message>
    <message>
        <location filename="../chat_window.py" line="394" />
        <source>everyone</source>
        <translation>everyone</translation>
    </message>
    <message>
        <location filename="../chat_window.py" line="398" />
        <source>online</source>
        <translation>online</translation>
    </message>
    <message>
        <location filename="../chat_window.py" line="400" />
        <source>offline</source>
        <translation>offline</translation>
    </message>
    <message>
        <location filename="../chat_window.py" line="416" />
        <source>Connected as %1 to %2</source>
        <translation>Connected as %1 to %2</translation>
    </message>
    <message numerus="yes">
        <location filename="../chat_window.py" line="419" />
        <source>Connection to %1 lost. Reconnecting in %n second(s)…</source>
        <translation>
            <numerusform>Connection to %1 lost. Reconnecting in %n second…</numerusform>
            <numerusform>Connection to %1 lost. Reconnecting in %n seconds…</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../chat_window.py" line="422" />
        <source>Reconnecting to %1…</source>
        <translation>Reconnecting to %1…</translation>
    </message>
    <message>
        <location filename="../chat_window.py" line="424" />
        <source>Not connected</source>
        <translation>Not connected</translation>
    </message>
    <message numerus="yes">
        <location filename="../chat_window.py" line="427" />
        <source>%n message(s) waiting to be sent</source>
        <translation>
            <numerusform>%n message waiting to be sent</numerusform>
            <numerusform>%n messages waiting to be sent</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../chat_window.py" line="437" />
        <source>Message from %1</source>
        <translation>Message from %1</translation>
    </message>
    <message>
        <location filename="../chat_window.py" line="462" />
        <source>About Besedka</source>
        <translation>About Besedka</translation>
    </message>
    <message>
        <location filename="../chat_window.py" line="462" />
        <source>&lt;h3&gt;Besedka %1&lt;/h3&gt;&lt;p&gt;A chat for the computers of one local network: a general room and direct messages.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Besedka %1&lt;/h3&gt;&lt;p&gt;A chat for the computers of one local network: a general room and direct messages.&lt;/p&gt;</translation>
    </message>
</context><context>
    <name>ConversationListModel</name>
    <message>
        <location filename="../models.py" line="306" />
        <source>General</source>
        <translation>General</translation>
    </message>
    <message>
        <location filename="../models.py" line="308" />
        <source>%1 (you)</source>
        <translation>%1 (you)</translation>
    </message>
</context><context>
    <name>FoundServersView</name>
    <message>
        <location filename="../found_servers.py" line="143" />
        <source>Servers found on this &amp;network:</source>
        <translation>Servers found on this &amp;network:</translation>
    </message>
    <message>
        <location filename="../found_servers.py" line="219" />
        <source>No server found on this network. Type the server's address below; multicast (mDNS), which finds servers, may be blocked on this network.</source>
        <translation>No server found on this network. Type the server's address below; multicast (mDNS), which finds servers, may be blocked on this network.</translation>
    </message>
    <message>
        <location filename="../found_servers.py" line="223" />
        <source>Looking for servers on this network…</source>
        <translation>Looking for servers on this network…</translation>
    </message>
</context><context>
    <name>LoginWindow</name>
    <message>
        <location filename="../login_window.py" line="170" />
        <source>Besedka — Log in</source>
        <translation>Besedka — Log in</translation>
    </message>
    <message>
        <location filename="../login_window.py" line="171" />
        <source>Log in to Besedka</source>
        <translation>Log in to Besedka</translation>
    </message>
    <message>
        <location filename="../login_window.py" line="172" />
        <source>&amp;Server:</source>
        <translation>&amp;Server:</translation>
    </message>
    <message>
        <location filename="../login_window.py" line="172" />
        <source>&amp;Username:</source>
        <translation>&amp;Username:</translation>
    </message>
    <message>
        <location filename="../login_window.py" line="173" />
        <source>&amp;Password:</source>
        <translation>&amp;Password:</translation>
    </message>
    <message>
        <location filename="../login_window.py" line="175" />
        <source>host name or address</source>
        <translation>host name or address</translation>
    </message>
    <message>
        <location filename="../login_window.py" line="206" />
        <location filename="../login_window.py" line="176" />
        <source>&amp;Log in</source>
        <translation>&amp;Log in</translation>
    </message>
    <message>
        <location filename="../login_window.py" line="177" />
        <source>&amp;Keep me logged in</source>
        <translation>&amp;Keep me logged in</translation>
    </message>
    <message>
        <location filename="../login_window.py" line="178" />
        <source>Open Besedka logged in next time, until you choose Log out. Leave it off on a computer that others use.</source>
        <translation>Open Besedka logged in next time, until you choose Log out. Leave it off on a computer that others use.</translation>
    </message>
    <message>
        <location filename="../login_window.py" line="182" />
        <source>leave empty to use the saved login</source>
        <translation>leave empty to use the saved login</translation>
    </message>
    <message>
        <location filename="../login_window.py" line="183" />
        <source>Create an &amp;account…</source>
        <translation>Create an &amp;account…</translation>
    </message>
    <message>
        <location filename="../login_window.py" line="184" />
        <source>&amp;Forget this server’s certificate</source>
        <translation>&amp;Forget this server’s certificate</translation>
    </message>
    <message>
        <location filename="../login_window.py" line="204" />
        <source>Connecting…</source>
        <translation>Connecting…</translation>
    </message>
    <message>
        <location filename="../login_window.py" line="226" />
        <source>The certificate is forgotten. Log in again to see the server’s new fingerprint and decide whether to trust it.</source>
        <translation>The certificate is forgotten. Log in again to see the server’s new fingerprint and decide whether to trust it.</translation>
    </message>
    <message>
        <location filename="../login_window.py" line="238" />
        <source>Enter the address of the server.</source>
        <translation>Enter the address of the server.</translation>
    </message>
    <message>
        <location filename="../login_window.py" line="241" />
        <source>Enter your username.</source>
        <translation>Enter your username.</translation>
    </message>
    <message>
        <location filename="../login_window.py" line="247" />
        <source>Enter your password.</source>
        <translation>Enter your password.</translation>
    </message>
</context><context>
    <name>MessageDelegate</name>
    <message>
        <location filename="../delegates.py" line="287" />
        <source>Today</source>
        <translation>Today</translation>
    </message>
    <message>
        <location filename="../delegates.py" line="289" />
        <source>Yesterday</source>
        <translation>Yesterday</translation>
    </message>
    <message>
        <location filename="../delegates.py" line="295" />
        <source>⌛ sending…</source>
        <translation>⌛ sending…</translation>
    </message>
    <message>
        <location filename="../delegates.py" line="297" />
        <source>not sent: %1</source>
        <translation>not sent: %1</translation>
    </message>
</context><context>
    <name>MessageView</name>
    <message>
        <location filename="../message_view.py" line="118" />
        <source>&amp;Copy</source>
        <translation>&amp;Copy</translation>
    </message>
    <message>
        <location filename="../message_view.py" line="119" />
        <source>&amp;Select text</source>
        <translation>&amp;Select text</translation>
    </message>
    <message>
        <location filename="../message_view.py" line="120" />
        <source>Copy &amp;link address</source>
        <translation>Copy &amp;link address</translation>
    </message>
    <message>
        <location filename="../message_view.py" line="364" />
        <source>&amp;Delete unsent message</source>
        <translation>&amp;Delete unsent message</translation>
    </message>
    <message>
        <location filename="../message_view.py" line="380" />
        <source>Loading…</source>
        <translation>Loading…</translation>
    </message>
    <message>
        <location filename="../message_view.py" line="380" />
        <source>No messages yet.</source>
        <translation>No messages yet.</translation>
    </message>
</context><context>
    <name>RegistrationWindow</name>
    <message>
        <location filename="../registration_window.py" line="100" />
        <source>Besedka — Create an account</source>
        <translation>Besedka — Create an account</translation>
    </message>
    <message>
        <location filename="../registration_window.py" line="101" />
        <source>Create an account</source>
        <translation>Create an account</translation>
    </message>
    <message>
        <location filename="../registration_window.py" line="103" />
        <source>&amp;Server:</source>
        <translation>&amp;Server:</translation>
    </message>
    <message>
        <location filename="../registration_window.py" line="103" />
        <source>&amp;Username:</source>
        <translation>&amp;Username:</translation>
    </message>
    <message>
        <location filename="../registration_window.py" line="104" />
        <source>&amp;Password:</source>
        <translation>&amp;Password:</translation>
    </message>
    <message>
        <location filename="../registration_window.py" line="105" />
        <source>&amp;Repeat password:</source>
        <translation>&amp;Repeat password:</translation>
    </message>
    <message>
        <location filename="../registration_window.py" line="157" />
        <location filename="../registration_window.py" line="107" />
        <source>&amp;Create account</source>
        <translation>&amp;Create account</translation>
    </message>
    <message>
        <location filename="../registration_window.py" line="108" />
        <source>&amp;Keep me logged in</source>
        <translation>&amp;Keep me logged in</translation>
    </message>
    <message>
        <location filename="../registration_window.py" line="109" />
        <source>← &amp;Back to login</source>
        <translation>← &amp;Back to login</translation>
    </message>
    <message>
        <location filename="../registration_window.py" line="125" />
        <source>The passwords do not match.</source>
        <translation>The passwords do not match.</translation>
    </message>
    <message>
        <location filename="../registration_window.py" line="156" />
        <source>Creating…</source>
        <translation>Creating…</translation>
    </message>
    <message>
        <location filename="../registration_window.py" line="165" />
        <source>Enter the address of the server.</source>
        <translation>Enter the address of the server.</translation>
    </message>
</context><context>
    <name>ServerListModel</name>
    <message>
        <location filename="../discovery.py" line="378" />
        <source>%1 — %2:%3</source>
        <translation>%1 — %2:%3</translation>
    </message>
    <message>
        <location filename="../discovery.py" line="380" />
        <source>(another version of Besedka)</source>
        <translation>(another version of Besedka)</translation>
    </message>
    <message>
        <location filename="../discovery.py" line="383" />
        <source>%1 at %2, port %3</source>
        <translation>%1 at %2, port %3</translation>
    </message>
    <message>
        <location filename="../discovery.py" line="385" />
        <source>Besedka %1</source>
        <translation>Besedka %1</translation>
    </message>
</context><context>
    <name>SessionsDialog</name>
    <message>
        <location filename="../sessions_dialog.py" line="99" />
        <source>Sessions</source>
        <translation>Sessions</translation>
    </message>
    <message>
        <location filename="../sessions_dialog.py" line="100" />
        <source>Where you chose “Keep me logged in”. Revoke a session you do not recognise, or of a computer you no longer use: it is logged out at once. A session unused for 90 days ends by itself.</source>
        <translation>Where you chose “Keep me logged in”. Revoke a session you do not recognise, or of a computer you no longer use: it is logged out at once. A session unused for 90 days ends by itself.</translation>
    </message>
    <message>
        <location filename="../sessions_dialog.py" line="104" />
        <source>Client</source>
        <translation>Client</translation>
    </message>
    <message>
        <location filename="../sessions_dialog.py" line="104" />
        <source>Created</source>
        <translation>Created</translation>
    </message>
    <message>
        <location filename="../sessions_dialog.py" line="104" />
        <source>Last used</source>
        <translation>Last used</translation>
    </message>
    <message>
        <location filename="../sessions_dialog.py" line="105" />
        <source>&amp;Revoke</source>
        <translation>&amp;Revoke</translation>
    </message>
    <message>
        <location filename="../sessions_dialog.py" line="121" />
        <source>(unnamed client)</source>
        <translation>(unnamed client)</translation>
    </message>
    <message>
        <location filename="../sessions_dialog.py" line="123" />
        <source>This window: %1</source>
        <translation>This window: %1</translation>
    </message>
    <message>
        <location filename="../sessions_dialog.py" line="146" />
        <source>This window's own session ends with Account → Log out.</source>
        <translation>This window's own session ends with Account → Log out.</translation>
    </message>
    <message>
        <location filename="../sessions_dialog.py" line="180" />
        <source>Not connected to the server. Try again when the connection is back.</source>
        <translation>Not connected to the server. Try again when the connection is back.</translation>
    </message>
</context><context>
    <name>Status</name>
    <message>
        <location filename="../status.py" line="51" />
        <source>Available</source>
        <translation>Available</translation>
    </message>
    <message>
        <location filename="../status.py" line="52" />
        <source>Away</source>
        <translation>Away</translation>
    </message>
    <message>
        <location filename="../status.py" line="53" />
        <source>Busy</source>
        <translation>Busy</translation>
    </message>
    <message>
        <location filename="../status.py" line="66" />
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
</context><context>
    <name>StatusButton</name>
    <message>
        <location filename="../status.py" line="107" />
        <source>Status &amp;message…</source>
        <translation>Status &amp;message…</translation>
    </message>
    <message>
        <location filename="../status.py" line="108" />
        <source>Your status, as the others see it</source>
        <translation>Your status, as the others see it</translation>
    </message>
    <message>
        <location filename="../status.py" line="132" />
        <source>Status message</source>
        <translation>Status message</translation>
    </message>
    <message>
        <location filename="../status.py" line="133" />
        <source>What the others see beside your status (at most %1 characters):</source>
        <translation>What the others see beside your status (at most %1 characters):</translation>
    </message>
</context><context>
    <name>Texts</name>
    <message>
        <location filename="../texts.py" line="44" />
        <source>Username: %1 to %2 characters: letters of any alphabet, digits, and _ - . Letter case does not matter when logging in.</source>
        <translation>Username: %1 to %2 characters: letters of any alphabet, digits, and _ - . Letter case does not matter when logging in.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="53" />
        <source>Password: at least %1 characters; any characters are allowed.</source>
        <translation>Password: at least %1 characters; any characters are allowed.</translation>
    </message>
    <message numerus="yes">
        <location filename="../texts.py" line="92" />
        <location filename="../texts.py" line="68" />
        <source>Too short: at least %n character(s).</source>
        <translation>
            <numerusform>Too short: at least %n character.</numerusform>
            <numerusform>Too short: at least %n characters.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../texts.py" line="94" />
        <location filename="../texts.py" line="71" />
        <source>Too long: at most %n character(s).</source>
        <translation>
            <numerusform>Too long: at most %n character.</numerusform>
            <numerusform>Too long: at most %n characters.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../texts.py" line="80" />
        <source>Spaces are not allowed.</source>
        <translation>Spaces are not allowed.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="81" />
        <source>The character “%1” is not allowed.</source>
        <translation>The character “%1” is not allowed.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="83" />
        <source>This username is not allowed.</source>
        <translation>This username is not allowed.</translation>
    </message>
    <message numerus="yes">
        <location filename="../texts.py" line="105" />
        <source>The message is too long: at most %n character(s).</source>
        <translation>
            <numerusform>The message is too long: at most %n character.</numerusform>
            <numerusform>The message is too long: at most %n characters.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../texts.py" line="109" />
        <source>The message contains characters that cannot be sent.</source>
        <translation>The message contains characters that cannot be sent.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="118" />
        <source>Cannot reach the server at %1. Check the address and that the server is running.</source>
        <translation>Cannot reach the server at %1. Check the address and that the server is running.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="122" />
        <source>The server at %1 speaks protocol version %2, but this Besedka speaks versions 1 to %3. Update the older of the two.</source>
        <translation>The server at %1 speaks protocol version %2, but this Besedka speaks versions 1 to %3. Update the older of the two.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="128" />
        <source>%1 answered, but it is not a Besedka server.</source>
        <translation>%1 answered, but it is not a Besedka server.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="131" />
        <source>%1 accepted the connection but did not answer like a Besedka server.</source>
        <translation>%1 accepted the connection but did not answer like a Besedka server.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="135" />
        <source>The server at %1 accepts only encrypted (TLS) connections. Start Besedka without --no-tls.</source>
        <translation>The server at %1 accepts only encrypted (TLS) connections. Start Besedka without --no-tls.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="139" />
        <source>The server at %1 does not use encryption, so your password and messages could be read on the network. Ask its administrator to start it without --no-tls.</source>
        <translation>The server at %1 does not use encryption, so your password and messages could be read on the network. Ask its administrator to start it without --no-tls.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="144" />
        <source>Could not set up an encrypted connection with %1. It may not be a Besedka server.</source>
        <translation>Could not set up an encrypted connection with %1. It may not be a Besedka server.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="152" />
        <source>Warning: the server at %1 presented another certificate than the one your administrator set up this computer to trust, so Besedka did not send your password. Someone may be impersonating the server, or its certificate was replaced. Tell the administrator this fingerprint:
%2</source>
        <translation>Warning: the server at %1 presented another certificate than the one your administrator set up this computer to trust, so Besedka did not send your password. Someone may be impersonating the server, or its certificate was replaced. Tell the administrator this fingerprint:
%2</translation>
    </message>
    <message>
        <location filename="../texts.py" line="159" />
        <source>The connection to %1 was lost. Try again.</source>
        <translation>The connection to %1 was lost. Try again.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="167" />
        <source>Warning: the server at %1 presented a different certificate than the one you trusted before, so Besedka did not send your password. Either the server was reinstalled or its certificate replaced, or someone is intercepting the connection. Ask the administrator to compare this fingerprint with the one the server logs when it starts:
%2
If they match, choose “Forget this server’s certificate” and log in again to trust the new one.</source>
        <translation>Warning: the server at %1 presented a different certificate than the one you trusted before, so Besedka did not send your password. Either the server was reinstalled or its certificate replaced, or someone is intercepting the connection. Ask the administrator to compare this fingerprint with the one the server logs when it starts:
%2
If they match, choose “Forget this server’s certificate” and log in again to trust the new one.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="181" />
        <source>Wrong username or password.</source>
        <translation>Wrong username or password.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="183" />
        <source>This username is already taken.</source>
        <translation>This username is already taken.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="185" />
        <source>The server does not accept this username.</source>
        <translation>The server does not accept this username.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="187" />
        <source>The server does not accept this password.</source>
        <translation>The server does not accept this password.</translation>
    </message>
    <message numerus="yes">
        <location filename="../texts.py" line="190" />
        <source>Too many attempts. Try again in %n second(s).</source>
        <translation>
            <numerusform>Too many attempts. Try again in %n second.</numerusform>
            <numerusform>Too many attempts. Try again in %n seconds.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../texts.py" line="193" />
        <source>Your saved login has ended: it was revoked, it expired, or the password was changed. Log in again.</source>
        <translation>Your saved login has ended: it was revoked, it expired, or the password was changed. Log in again.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="197" />
        <source>There is no such user.</source>
        <translation>There is no such user.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="199" />
        <source>The message is too long.</source>
        <translation>The message is too long.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="200" />
        <source>The server could not do this (%1). Try again later.</source>
        <translation>The server could not do this (%1). Try again later.</translation>
    </message>
</context><context>
    <name>TrustDialog</name>
    <message>
        <location filename="../trust_dialog.py" line="93" />
        <source>Trust this server?</source>
        <translation>Trust this server?</translation>
    </message>
    <message>
        <location filename="../trust_dialog.py" line="94" />
        <source>This is the first connection to %1. Trust it if this fingerprint is the one its administrator sees in the server's log; Besedka will then refuse any other certificate for this server.</source>
        <translation>This is the first connection to %1. Trust it if this fingerprint is the one its administrator sees in the server's log; Besedka will then refuse any other certificate for this server.</translation>
    </message>
    <message>
        <location filename="../trust_dialog.py" line="98" />
        <source>&amp;Trust and connect</source>
        <translation>&amp;Trust and connect</translation>
    </message>
    <message>
        <location filename="../trust_dialog.py" line="100" />
        <source>This fingerprint matches the fingerprint this server announces on the network. Anyone on the network can announce a server, so this proves nothing: compare it with the administrator's all the same.</source>
        <translation>This fingerprint matches the fingerprint this server announces on the network. Anyone on the network can announce a server, so this proves nothing: compare it with the administrator's all the same.</translation>
    </message>
    <message>
        <location filename="../trust_dialog.py" line="105" />
        <source>Warning: a server announced on this network at this address gives another fingerprint. Someone may be impersonating the server. Trust it only if the administrator confirms this fingerprint.</source>
        <translation>Warning: a server announced on this network at this address gives another fingerprint. Someone may be impersonating the server. Trust it only if the administrator confirms this fingerprint.</translation>
    </message>
</context></TS>
