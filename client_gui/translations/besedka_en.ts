<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
    <context>
    <name>AttachmentBar</name>
    <message>
        <location filename="../attachments.py" line="80" />
        <source>Do not send this file</source>
        <translation>Do not send this file</translation>
    </message>
</context><context>
    <name>Besedka</name>
    <message>
        <location filename="../app.py" line="202" />
        <source>Enter your password.</source>
        <translation>Enter your password.</translation>
    </message>
    <message>
        <location filename="../app.py" line="338" />
        <source>You were logged out: %1</source>
        <translation>You were logged out: %1</translation>
    </message>
</context><context>
    <name>BrowseRoomsDialog</name>
    <message>
        <location filename="../room_dialogs.py" line="267" />
        <source>Browse public rooms</source>
        <translation>Browse public rooms</translation>
    </message>
    <message>
        <location filename="../room_dialogs.py" line="268" />
        <source>Filter rooms</source>
        <translation>Filter rooms</translation>
    </message>
    <message>
        <location filename="../room_dialogs.py" line="269" />
        <source>&amp;Join</source>
        <translation>&amp;Join</translation>
    </message>
    <message numerus="yes">
        <location filename="../room_dialogs.py" line="282" />
        <source>%1 · %n member(s)</source>
        <translation>
            <numerusform>%1 · %n member</numerusform>
            <numerusform>%1 · %n members</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../room_dialogs.py" line="289" />
        <source>No public rooms to join.</source>
        <translation>No public rooms to join.</translation>
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
    <name>ChatFiles</name>
    <message>
        <location filename="../chat_files.py" line="140" />
        <source>&amp;File…</source>
        <translation>&amp;File…</translation>
    </message>
    <message>
        <location filename="../chat_files.py" line="141" />
        <source>Attach files (or drop them here, or paste)</source>
        <translation>Attach files (or drop them here, or paste)</translation>
    </message>
    <message>
        <location filename="../chat_files.py" line="142" />
        <source>Screenshot</source>
        <translation>Screenshot</translation>
    </message>
    <message>
        <location filename="../chat_files.py" line="143" />
        <source>Send an area of the screen</source>
        <translation>Send an area of the screen</translation>
    </message>
    <message>
        <location filename="../chat_files.py" line="144" />
        <source>Set &amp;picture…</source>
        <translation>Set &amp;picture…</translation>
    </message>
    <message>
        <location filename="../chat_files.py" line="145" />
        <source>&amp;Remove picture</source>
        <translation>&amp;Remove picture</translation>
    </message>
    <message>
        <location filename="../chat_files.py" line="165" />
        <source>Attach files</source>
        <translation>Attach files</translation>
    </message>
    <message>
        <location filename="../chat_files.py" line="285" />
        <source>Choose your picture</source>
        <translation>Choose your picture</translation>
    </message>
    <message>
        <location filename="../chat_files.py" line="286" />
        <source>Images (*.png *.jpg *.jpeg *.gif *.webp *.bmp)</source>
        <translation>Images (*.png *.jpg *.jpeg *.gif *.webp *.bmp)</translation>
    </message>
    <message>
        <location filename="../chat_files.py" line="294" />
        <source>This file is not a picture Besedka can read.</source>
        <translation>This file is not a picture Besedka can read.</translation>
    </message>
    <message>
        <location filename="../chat_files.py" line="298" />
        <source>This picture is too large.</source>
        <translation>This picture is too large.</translation>
    </message>
    <message>
        <location filename="../chat_files.py" line="319" />
        <source>Picture</source>
        <translation>Picture</translation>
    </message>
</context><context>
    <name>ChatMenus</name>
    <message>
        <location filename="../chat_menus.py" line="124" />
        <source>&amp;Account</source>
        <translation>&amp;Account</translation>
    </message>
    <message>
        <location filename="../chat_menus.py" line="125" />
        <source>&amp;Settings…</source>
        <translation>&amp;Settings…</translation>
    </message>
    <message>
        <location filename="../chat_menus.py" line="126" />
        <source>&amp;Change password…</source>
        <translation>&amp;Change password…</translation>
    </message>
    <message>
        <location filename="../chat_menus.py" line="127" />
        <source>&amp;Sessions…</source>
        <translation>&amp;Sessions…</translation>
    </message>
    <message>
        <location filename="../chat_menus.py" line="128" />
        <source>&amp;Log out</source>
        <translation>&amp;Log out</translation>
    </message>
    <message>
        <location filename="../chat_menus.py" line="129" />
        <source>&amp;Quit</source>
        <translation>&amp;Quit</translation>
    </message>
    <message>
        <location filename="../chat_menus.py" line="130" />
        <source>&amp;Search</source>
        <translation>&amp;Search</translation>
    </message>
    <message>
        <location filename="../chat_menus.py" line="131" />
        <source>L&amp;anguage</source>
        <translation>L&amp;anguage</translation>
    </message>
    <message>
        <location filename="../chat_menus.py" line="132" />
        <source>&amp;Help</source>
        <translation>&amp;Help</translation>
    </message>
    <message>
        <location filename="../chat_menus.py" line="133" />
        <source>&amp;Keyboard shortcuts</source>
        <translation>&amp;Keyboard shortcuts</translation>
    </message>
    <message>
        <location filename="../chat_menus.py" line="134" />
        <source>&amp;About Besedka</source>
        <translation>&amp;About Besedka</translation>
    </message>
    <message>
        <location filename="../chat_menus.py" line="152" />
        <source>Go to a conversation by name</source>
        <translation>Go to a conversation by name</translation>
    </message>
    <message>
        <location filename="../chat_menus.py" line="153" />
        <source>The conversation above</source>
        <translation>The conversation above</translation>
    </message>
    <message>
        <location filename="../chat_menus.py" line="154" />
        <source>The conversation below</source>
        <translation>The conversation below</translation>
    </message>
    <message>
        <location filename="../chat_menus.py" line="155" />
        <source>The next conversation with unread messages</source>
        <translation>The next conversation with unread messages</translation>
    </message>
    <message>
        <location filename="../chat_menus.py" line="156" />
        <source>Mark the conversation read</source>
        <translation>Mark the conversation read</translation>
    </message>
    <message>
        <location filename="../chat_menus.py" line="160" />
        <source>Keyboard shortcuts</source>
        <translation>Keyboard shortcuts</translation>
    </message>
    <message>
        <location filename="../chat_menus.py" line="172" />
        <source>About Besedka</source>
        <translation>About Besedka</translation>
    </message>
    <message>
        <location filename="../chat_menus.py" line="172" />
        <source>&lt;h3&gt;Besedka %1&lt;/h3&gt;&lt;p&gt;A chat for the computers of one local network: a general room and direct messages.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Besedka %1&lt;/h3&gt;&lt;p&gt;A chat for the computers of one local network: a general room and direct messages.&lt;/p&gt;</translation>
    </message>
</context><context>
    <name>ChatWindow</name>
    <message>
        <location filename="../chat_window.py" line="247" />
        <source>Filter conversations</source>
        <translation>Filter conversations</translation>
    </message>
    <message>
        <location filename="../chat_window.py" line="377" />
        <source>(%1) Besedka — %2</source>
        <translation>(%1) Besedka — %2</translation>
    </message>
    <message>
        <location filename="../chat_window.py" line="380" />
        <source>Besedka — %1</source>
        <translation>Besedka — %1</translation>
    </message>
    <message>
        <location filename="../chat_window.py" line="398" />
        <source>everyone</source>
        <translation>everyone</translation>
    </message>
</context><context>
    <name>ComposeBox</name>
    <message>
        <location filename="../compose.py" line="197" />
        <source>Write a message. Enter sends, Shift+Enter starts a new line.</source>
        <translation>Write a message. Enter sends, Shift+Enter starts a new line.</translation>
    </message>
    <message>
        <location filename="../compose.py" line="198" />
        <source>&amp;Send</source>
        <translation>&amp;Send</translation>
    </message>
    <message>
        <location filename="../compose.py" line="199" />
        <source>Send (Enter)</source>
        <translation>Send (Enter)</translation>
    </message>
    <message>
        <location filename="../compose.py" line="200" />
        <source>Insert an emoji</source>
        <translation>Insert an emoji</translation>
    </message>
    <message>
        <location filename="../compose.py" line="214" />
        <source>%1 / %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message numerus="yes">
        <location filename="../compose.py" line="216" />
        <source>A message holds at most %n character(s).</source>
        <translation>
            <numerusform>A message holds at most %n character.</numerusform>
            <numerusform>A message holds at most %n characters.</numerusform>
        </translation>
    </message>
</context><context>
    <name>ComposeStrip</name>
    <message>
        <location filename="../message_actions.py" line="83" />
        <source>Cancel (Esc)</source>
        <translation>Cancel (Esc)</translation>
    </message>
</context><context>
    <name>ConnectionStatus</name>
    <message>
        <location filename="../status_bar.py" line="73" />
        <source>Reconnect &amp;now</source>
        <translation>Reconnect &amp;now</translation>
    </message>
    <message>
        <location filename="../status_bar.py" line="90" />
        <source>Connected as %1 to %2</source>
        <translation>Connected as %1 to %2</translation>
    </message>
    <message>
        <location filename="../status_bar.py" line="92" />
        <source>Connected as %1</source>
        <translation>Connected as %1</translation>
    </message>
    <message>
        <location filename="../status_bar.py" line="93" />
        <source>Connected</source>
        <translation>Connected</translation>
    </message>
    <message numerus="yes">
        <location filename="../status_bar.py" line="96" />
        <source>Connection to %1 lost. Reconnecting in %n second(s)…</source>
        <translation>
            <numerusform>Connection to %1 lost. Reconnecting in %n second…</numerusform>
            <numerusform>Connection to %1 lost. Reconnecting in %n seconds…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../status_bar.py" line="98" />
        <source>Reconnecting in %n second(s)…</source>
        <translation>
            <numerusform>Reconnecting in %n second…</numerusform>
            <numerusform>Reconnecting in %n seconds…</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../status_bar.py" line="99" />
        <source>Offline</source>
        <translation>Offline</translation>
    </message>
    <message>
        <location filename="../status_bar.py" line="101" />
        <source>Reconnecting to %1…</source>
        <translation>Reconnecting to %1…</translation>
    </message>
    <message>
        <location filename="../status_bar.py" line="102" />
        <source>Reconnecting…</source>
        <translation>Reconnecting…</translation>
    </message>
    <message>
        <location filename="../status_bar.py" line="104" />
        <source>Not connected</source>
        <translation>Not connected</translation>
    </message>
    <message numerus="yes">
        <location filename="../status_bar.py" line="109" />
        <source>%n message(s) waiting to be sent</source>
        <translation>
            <numerusform>%n message waiting to be sent</numerusform>
            <numerusform>%n messages waiting to be sent</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../status_bar.py" line="110" />
        <source>%n waiting</source>
        <translation>
            <numerusform>%n waiting</numerusform>
            <numerusform>%n waiting</numerusform>
        </translation>
    </message>
</context><context>
    <name>ConversationListModel</name>
    <message>
        <location filename="../conversation_models.py" line="106" />
        <source>offline</source>
        <translation>offline</translation>
    </message>
    <message>
        <location filename="../conversation_models.py" line="110" />
        <source>online</source>
        <translation>online</translation>
    </message>
    <message>
        <location filename="../conversation_models.py" line="113" />
        <source>last known: %1</source>
        <translation>last known: %1</translation>
    </message>
    <message>
        <location filename="../conversation_models.py" line="118" />
        <source>General</source>
        <translation>General</translation>
    </message>
    <message>
        <location filename="../conversation_models.py" line="120" />
        <source>%1 (you)</source>
        <translation>%1 (you)</translation>
    </message>
</context><context>
    <name>EmojiGrid</name>
    <message>
        <location filename="../emoji_picker.py" line="97" />
        <source>Smileys</source>
        <translation>Smileys</translation>
    </message>
    <message>
        <location filename="../emoji_picker.py" line="97" />
        <source>People</source>
        <translation>People</translation>
    </message>
    <message>
        <location filename="../emoji_picker.py" line="98" />
        <source>Objects</source>
        <translation>Objects</translation>
    </message>
</context><context>
    <name>FileCards</name>
    <message>
        <location filename="../file_cards.py" line="154" />
        <source>Cancel</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../file_cards.py" line="165" />
        <source>Open</source>
        <translation>Open</translation>
    </message>
    <message>
        <location filename="../file_cards.py" line="166" />
        <source>Show in folder</source>
        <translation>Show in folder</translation>
    </message>
    <message>
        <location filename="../file_cards.py" line="168" />
        <source>Download</source>
        <translation>Download</translation>
    </message>
    <message>
        <location filename="../file_cards.py" line="218" />
        <source>Loading preview…</source>
        <translation>Loading preview…</translation>
    </message>
    <message>
        <location filename="../file_cards.py" line="263" />
        <source>file removed</source>
        <translation>file removed</translation>
    </message>
    <message>
        <location filename="../file_cards.py" line="268" />
        <source>not sent: %1</source>
        <translation>not sent: %1</translation>
    </message>
    <message>
        <location filename="../file_cards.py" line="270" />
        <source>preparing…</source>
        <translation>preparing…</translation>
    </message>
    <message>
        <location filename="../file_cards.py" line="277" />
        <location filename="../file_cards.py" line="272" />
        <source>waiting for the connection…</source>
        <translation>waiting for the connection…</translation>
    </message>
    <message>
        <location filename="../file_cards.py" line="281" />
        <source>%1 · download failed: %2</source>
        <translation>%1 · download failed: %2</translation>
    </message>
</context><context>
    <name>FoundServersView</name>
    <message>
        <location filename="../found_servers.py" line="143" />
        <source>Servers found on this &amp;network:</source>
        <translation>Servers found on this &amp;network:</translation>
    </message>
    <message>
        <location filename="../found_servers.py" line="224" />
        <source>No server found on this network. Type the server's address below; multicast (mDNS), which finds servers, may be blocked on this network.</source>
        <translation>No server found on this network. Type the server's address below; multicast (mDNS), which finds servers, may be blocked on this network.</translation>
    </message>
    <message>
        <location filename="../found_servers.py" line="228" />
        <source>Looking for servers on this network…</source>
        <translation>Looking for servers on this network…</translation>
    </message>
</context><context>
    <name>InviteDialog</name>
    <message>
        <location filename="../room_dialogs.py" line="422" />
        <source>Invite to %1</source>
        <translation>Invite to %1</translation>
    </message>
    <message>
        <location filename="../room_dialogs.py" line="423" />
        <source>Tick the people to add to the room.</source>
        <translation>Tick the people to add to the room.</translation>
    </message>
    <message>
        <location filename="../room_dialogs.py" line="426" />
        <source>&amp;Invite</source>
        <translation>&amp;Invite</translation>
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
    <name>MemberListModel</name>
    <message>
        <location filename="../room_models.py" line="71" />
        <source>%1 (you, owner)</source>
        <translation>%1 (you, owner)</translation>
    </message>
    <message>
        <location filename="../room_models.py" line="73" />
        <source>%1 (owner)</source>
        <translation>%1 (owner)</translation>
    </message>
    <message>
        <location filename="../room_models.py" line="75" />
        <source>%1 (you)</source>
        <translation>%1 (you)</translation>
    </message>
</context><context>
    <name>MembersPanel</name>
    <message>
        <location filename="../room_panel.py" line="101" />
        <source>&amp;Invite…</source>
        <translation>&amp;Invite…</translation>
    </message>
    <message>
        <location filename="../room_panel.py" line="102" />
        <source>Re&amp;move</source>
        <translation>Re&amp;move</translation>
    </message>
    <message>
        <location filename="../room_panel.py" line="103" />
        <source>Remove the selected member from the room</source>
        <translation>Remove the selected member from the room</translation>
    </message>
    <message>
        <location filename="../room_panel.py" line="134" />
        <source>Members</source>
        <translation>Members</translation>
    </message>
    <message numerus="yes">
        <location filename="../room_panel.py" line="136" />
        <source>Members: %1 of %n online</source>
        <translation>
            <numerusform>Members: %1 of %n online</numerusform>
            <numerusform>Members: %1 of %n online</numerusform>
        </translation>
    </message>
</context><context>
    <name>MessageActions</name>
    <message>
        <location filename="../message_actions.py" line="144" />
        <source>Replying to %1: %2</source>
        <translation>Replying to %1: %2</translation>
    </message>
    <message>
        <location filename="../message_actions.py" line="157" />
        <source>Editing your message (Esc cancels)</source>
        <translation>Editing your message (Esc cancels)</translation>
    </message>
    <message>
        <location filename="../message_actions.py" line="241" />
        <source>Delete message</source>
        <translation>Delete message</translation>
    </message>
    <message>
        <location filename="../message_actions.py" line="242" />
        <source>Delete this message for everyone?

%1</source>
        <translation>Delete this message for everyone?

%1</translation>
    </message>
    <message>
        <location filename="../message_actions.py" line="265" />
        <source>That message is gone, or it is not yours to change.</source>
        <translation>That message is gone, or it is not yours to change.</translation>
    </message>
    <message>
        <location filename="../message_actions.py" line="267" />
        <source>Not connected: try again when the connection is back.</source>
        <translation>Not connected: try again when the connection is back.</translation>
    </message>
</context><context>
    <name>MessageDelegate</name>
    <message>
        <location filename="../delegates.py" line="381" />
        <location filename="../delegates.py" line="253" />
        <location filename="../delegates.py" line="220" />
        <source>Message deleted</source>
        <translation>Message deleted</translation>
    </message>
    <message>
        <location filename="../delegates.py" line="383" />
        <source>An earlier message (click to find it)</source>
        <translation>An earlier message (click to find it)</translation>
    </message>
</context><context>
    <name>MessageListModel</name>
    <message>
        <location filename="../models.py" line="199" />
        <source>Seen by %1</source>
        <translation>Seen by %1</translation>
    </message>
</context><context>
    <name>MessageMenu</name>
    <message>
        <location filename="../message_menu.py" line="51" />
        <source>&amp;Reply</source>
        <translation>&amp;Reply</translation>
    </message>
    <message>
        <location filename="../message_menu.py" line="56" />
        <source>Re&amp;act</source>
        <translation>Re&amp;act</translation>
    </message>
    <message>
        <location filename="../message_menu.py" line="67" />
        <source>&amp;More…</source>
        <translation>&amp;More…</translation>
    </message>
    <message>
        <location filename="../message_menu.py" line="73" />
        <source>Copy &amp;link address</source>
        <translation>Copy &amp;link address</translation>
    </message>
    <message>
        <location filename="../message_menu.py" line="80" />
        <source>&amp;Edit</source>
        <translation>&amp;Edit</translation>
    </message>
    <message>
        <location filename="../message_menu.py" line="84" />
        <source>&amp;Delete…</source>
        <translation>&amp;Delete…</translation>
    </message>
    <message>
        <location filename="../message_menu.py" line="90" />
        <source>&amp;Delete unsent message</source>
        <translation>&amp;Delete unsent message</translation>
    </message>
</context><context>
    <name>MessageMeta</name>
    <message>
        <location filename="../message_meta.py" line="58" />
        <source>edited</source>
        <translation>edited</translation>
    </message>
    <message>
        <location filename="../message_meta.py" line="122" />
        <source>Today</source>
        <translation>Today</translation>
    </message>
    <message>
        <location filename="../message_meta.py" line="124" />
        <source>Yesterday</source>
        <translation>Yesterday</translation>
    </message>
    <message>
        <location filename="../message_meta.py" line="141" />
        <source>not sent: %1</source>
        <translation>not sent: %1</translation>
    </message>
</context><context>
    <name>MessageView</name>
    <message>
        <location filename="../message_view.py" line="159" />
        <source>&amp;Copy</source>
        <translation>&amp;Copy</translation>
    </message>
    <message>
        <location filename="../message_view.py" line="160" />
        <source>&amp;Select text</source>
        <translation>&amp;Select text</translation>
    </message>
    <message>
        <location filename="../message_view.py" line="478" />
        <source>Loading…</source>
        <translation>Loading…</translation>
    </message>
    <message>
        <location filename="../message_view.py" line="478" />
        <source>No messages yet.</source>
        <translation>No messages yet.</translation>
    </message>
</context><context>
    <name>NewRoomDialog</name>
    <message>
        <location filename="../room_dialogs.py" line="191" />
        <source>New room</source>
        <translation>New room</translation>
    </message>
    <message>
        <location filename="../room_dialogs.py" line="193" />
        <source>&amp;Name:</source>
        <translation>&amp;Name:</translation>
    </message>
    <message>
        <location filename="../room_dialogs.py" line="194" />
        <source>&amp;Members:</source>
        <translation>&amp;Members:</translation>
    </message>
    <message>
        <location filename="../room_dialogs.py" line="195" />
        <source>&amp;Public: anyone can find and join it</source>
        <translation>&amp;Public: anyone can find and join it</translation>
    </message>
    <message>
        <location filename="../room_dialogs.py" line="196" />
        <source>&amp;Create</source>
        <translation>&amp;Create</translation>
    </message>
</context><context>
    <name>Notifier</name>
    <message>
        <location filename="../notifier.py" line="103" />
        <location filename="../notifier.py" line="96" />
        <source>Message from %1</source>
        <translation>Message from %1</translation>
    </message>
    <message>
        <location filename="../notifier.py" line="98" />
        <source>%1 mentioned you</source>
        <translation>%1 mentioned you</translation>
    </message>
</context><context>
    <name>QuickSwitcher</name>
    <message>
        <location filename="../navigation.py" line="91" />
        <source>Go to a conversation</source>
        <translation>Go to a conversation</translation>
    </message>
    <message>
        <location filename="../navigation.py" line="92" />
        <source>Type part of a name</source>
        <translation>Type part of a name</translation>
    </message>
</context><context>
    <name>ReactionPicker</name>
    <message>
        <location filename="../emoji_picker.py" line="176" />
        <source>React with…</source>
        <translation>React with…</translation>
    </message>
    <message>
        <location filename="../emoji_picker.py" line="177" />
        <source>Or type or paste any emoji</source>
        <translation>Or type or paste any emoji</translation>
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
    <name>RoomControls</name>
    <message>
        <location filename="../room_panel.py" line="219" />
        <source>&amp;Rooms</source>
        <translation>&amp;Rooms</translation>
    </message>
    <message>
        <location filename="../room_panel.py" line="220" />
        <source>&amp;New room…</source>
        <translation>&amp;New room…</translation>
    </message>
    <message>
        <location filename="../room_panel.py" line="221" />
        <source>&amp;Browse public rooms…</source>
        <translation>&amp;Browse public rooms…</translation>
    </message>
    <message>
        <location filename="../room_panel.py" line="222" />
        <source>&amp;Invite…</source>
        <translation>&amp;Invite…</translation>
    </message>
    <message>
        <location filename="../room_panel.py" line="223" />
        <source>Room &amp;settings…</source>
        <translation>Room &amp;settings…</translation>
    </message>
    <message>
        <location filename="../room_panel.py" line="224" />
        <source>&amp;Leave room</source>
        <translation>&amp;Leave room</translation>
    </message>
    <message>
        <location filename="../room_panel.py" line="225" />
        <source>&amp;Mute notifications</source>
        <translation>&amp;Mute notifications</translation>
    </message>
    <message>
        <location filename="../room_panel.py" line="226" />
        <source>Mem&amp;bers</source>
        <translation>Mem&amp;bers</translation>
    </message>
    <message>
        <location filename="../room_panel.py" line="227" />
        <source>Show who is in this room</source>
        <translation>Show who is in this room</translation>
    </message>
    <message numerus="yes">
        <location filename="../room_panel.py" line="250" />
        <source>%n member(s)</source>
        <translation>
            <numerusform>%n member</numerusform>
            <numerusform>%n members</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../room_panel.py" line="317" />
        <source>Leave “%1”? You can come back only if it is public or someone invites you.</source>
        <translation>Leave “%1”? You can come back only if it is public or someone invites you.</translation>
    </message>
    <message>
        <location filename="../room_panel.py" line="325" />
        <source>Remove %1 from “%2”?</source>
        <translation>Remove %1 from “%2”?</translation>
    </message>
    <message>
        <location filename="../room_panel.py" line="354" />
        <source>Besedka</source>
        <translation>Besedka</translation>
    </message>
    <message>
        <location filename="../room_panel.py" line="375" />
        <source>%1 in %2</source>
        <translation>%1 in %2</translation>
    </message>
</context><context>
    <name>RoomSettingsDialog</name>
    <message>
        <location filename="../room_dialogs.py" line="349" />
        <source>Room settings</source>
        <translation>Room settings</translation>
    </message>
    <message>
        <location filename="../room_dialogs.py" line="350" />
        <source>&amp;Name:</source>
        <translation>&amp;Name:</translation>
    </message>
    <message>
        <location filename="../room_dialogs.py" line="351" />
        <source>&amp;Topic:</source>
        <translation>&amp;Topic:</translation>
    </message>
    <message>
        <location filename="../room_dialogs.py" line="352" />
        <source>&amp;Public: anyone can find and join it</source>
        <translation>&amp;Public: anyone can find and join it</translation>
    </message>
    <message>
        <location filename="../room_dialogs.py" line="353" />
        <source>&amp;Save</source>
        <translation>&amp;Save</translation>
    </message>
</context><context>
    <name>ScreenshotOverlay</name>
    <message>
        <location filename="../screenshot.py" line="107" />
        <source>Drag over the area to send. Esc cancels.</source>
        <translation>Drag over the area to send. Esc cancels.</translation>
    </message>
</context><context>
    <name>SearchMode</name>
    <message>
        <location filename="../search_panel.py" line="379" />
        <source>&amp;Find in this conversation…</source>
        <translation>&amp;Find in this conversation…</translation>
    </message>
    <message>
        <location filename="../search_panel.py" line="380" />
        <source>Find in &amp;all conversations…</source>
        <translation>Find in &amp;all conversations…</translation>
    </message>
</context><context>
    <name>SearchPanel</name>
    <message>
        <location filename="../search_panel.py" line="150" />
        <source>Search messages</source>
        <translation>Search messages</translation>
    </message>
    <message>
        <location filename="../search_panel.py" line="151" />
        <source>In %1</source>
        <translation>In %1</translation>
    </message>
    <message>
        <location filename="../search_panel.py" line="153" />
        <source>In all conversations</source>
        <translation>In all conversations</translation>
    </message>
    <message>
        <location filename="../search_panel.py" line="239" />
        <location filename="../search_panel.py" line="205" />
        <source>Not connected: searching needs the server.</source>
        <translation>Not connected: searching needs the server.</translation>
    </message>
    <message>
        <location filename="../search_panel.py" line="241" />
        <source>This server cannot search messages.</source>
        <translation>This server cannot search messages.</translation>
    </message>
    <message>
        <location filename="../search_panel.py" line="243" />
        <source>Type to search. Any part of a word is found, in any case; every word you type must appear.</source>
        <translation>Type to search. Any part of a word is found, in any case; every word you type must appear.</translation>
    </message>
    <message numerus="yes">
        <location filename="../search_panel.py" line="246" />
        <source>Type at least %n character(s).</source>
        <translation>
            <numerusform>Type at least %n character.</numerusform>
            <numerusform>Type at least %n characters.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../search_panel.py" line="248" />
        <source>Searching…</source>
        <translation>Searching…</translation>
    </message>
    <message>
        <location filename="../search_panel.py" line="272" />
        <location filename="../search_panel.py" line="254" />
        <source>Only the newest messages were searched: words of one or two letters are looked for among recent messages only.</source>
        <translation>Only the newest messages were searched: words of one or two letters are looked for among recent messages only.</translation>
    </message>
    <message>
        <location filename="../search_panel.py" line="264" />
        <source>No messages contain “%1”.</source>
        <translation>No messages contain “%1”.</translation>
    </message>
    <message>
        <location filename="../search_panel.py" line="266" />
        <source>No messages in General contain “%1”.</source>
        <translation>No messages in General contain “%1”.</translation>
    </message>
    <message>
        <location filename="../search_panel.py" line="268" />
        <source>No messages with %2 contain “%1”.</source>
        <translation>No messages with %2 contain “%1”.</translation>
    </message>
    <message>
        <location filename="../search_panel.py" line="281" />
        <source>room %1</source>
        <translation>room %1</translation>
    </message>
    <message>
        <location filename="../search_panel.py" line="291" />
        <source>notes to yourself</source>
        <translation>notes to yourself</translation>
    </message>
    <message>
        <location filename="../search_panel.py" line="292" />
        <source>direct message with %1</source>
        <translation>direct message with %1</translation>
    </message>
</context><context>
    <name>ServerListModel</name>
    <message>
        <location filename="../discovery.py" line="407" />
        <source>%1 — %2:%3</source>
        <translation>%1 — %2:%3</translation>
    </message>
    <message>
        <location filename="../discovery.py" line="409" />
        <source>(another version of Besedka)</source>
        <translation>(another version of Besedka)</translation>
    </message>
    <message>
        <location filename="../discovery.py" line="412" />
        <source>%1 at %2, port %3</source>
        <translation>%1 at %2, port %3</translation>
    </message>
    <message>
        <location filename="../discovery.py" line="414" />
        <source>Besedka %1</source>
        <translation>Besedka %1</translation>
    </message>
</context><context>
    <name>SessionsDialog</name>
    <message>
        <location filename="../sessions_dialog.py" line="98" />
        <source>Sessions</source>
        <translation>Sessions</translation>
    </message>
    <message>
        <location filename="../sessions_dialog.py" line="99" />
        <source>Where you chose “Keep me logged in”. Revoke a session you do not recognise, or of a computer you no longer use: it is logged out at once. A session unused for 90 days ends by itself.</source>
        <translation>Where you chose “Keep me logged in”. Revoke a session you do not recognise, or of a computer you no longer use: it is logged out at once. A session unused for 90 days ends by itself.</translation>
    </message>
    <message>
        <location filename="../sessions_dialog.py" line="103" />
        <source>Client</source>
        <translation>Client</translation>
    </message>
    <message>
        <location filename="../sessions_dialog.py" line="103" />
        <source>Created</source>
        <translation>Created</translation>
    </message>
    <message>
        <location filename="../sessions_dialog.py" line="103" />
        <source>Last used</source>
        <translation>Last used</translation>
    </message>
    <message>
        <location filename="../sessions_dialog.py" line="104" />
        <source>&amp;Revoke</source>
        <translation>&amp;Revoke</translation>
    </message>
    <message>
        <location filename="../sessions_dialog.py" line="120" />
        <source>(unnamed client)</source>
        <translation>(unnamed client)</translation>
    </message>
    <message>
        <location filename="../sessions_dialog.py" line="122" />
        <source>This window: %1</source>
        <translation>This window: %1</translation>
    </message>
    <message>
        <location filename="../sessions_dialog.py" line="145" />
        <source>This window's own session ends with Account → Log out.</source>
        <translation>This window's own session ends with Account → Log out.</translation>
    </message>
    <message>
        <location filename="../sessions_dialog.py" line="179" />
        <source>Not connected to the server. Try again when the connection is back.</source>
        <translation>Not connected to the server. Try again when the connection is back.</translation>
    </message>
</context><context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../settings_dialog.py" line="147" />
        <source>Settings</source>
        <translation>Settings</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="148" />
        <source>Notifications</source>
        <translation>Notifications</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="149" />
        <source>&amp;Notify me of new messages</source>
        <translation>&amp;Notify me of new messages</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="151" />
        <source>Only of &amp;direct messages, my rooms and mentions of me</source>
        <translation>Only of &amp;direct messages, my rooms and mentions of me</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="152" />
        <source>Play a &amp;sound:</source>
        <translation>Play a &amp;sound:</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="153" />
        <source>Chime</source>
        <translation>Chime</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="153" />
        <source>Ping</source>
        <translation>Ping</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="153" />
        <source>Knock</source>
        <translation>Knock</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="155" />
        <source>&amp;Play</source>
        <translation>&amp;Play</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="156" />
        <source>Starting and closing</source>
        <translation>Starting and closing</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="157" />
        <source>S&amp;tart Besedka when I log in to this computer</source>
        <translation>S&amp;tart Besedka when I log in to this computer</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="158" />
        <source>&amp;Closing the window keeps Besedka running in the tray</source>
        <translation>&amp;Closing the window keeps Besedka running in the tray</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="161" />
        <source>This desktop has no tray.</source>
        <translation>This desktop has no tray.</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="162" />
        <source>Appearance</source>
        <translation>Appearance</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="163" />
        <source>&amp;Language:</source>
        <translation>&amp;Language:</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="163" />
        <source>&amp;Theme:</source>
        <translation>&amp;Theme:</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="164" />
        <source>&amp;Font size:</source>
        <translation>&amp;Font size:</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="167" />
        <location filename="../settings_dialog.py" line="166" />
        <source>As the system</source>
        <translation>As the system</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="167" />
        <source>Light</source>
        <translation>Light</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="168" />
        <source>Dark</source>
        <translation>Dark</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="170" />
        <source>As the system (%1 pt)</source>
        <translation>As the system (%1 pt)</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="189" />
        <location filename="../settings_dialog.py" line="173" />
        <source>%1 pt</source>
        <translation>%1 pt</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="228" />
        <source>Starting with the system could not be changed: %1</source>
        <translation>Starting with the system could not be changed: %1</translation>
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
        <location filename="../texts.py" line="58" />
        <source>Username: %1 to %2 characters: letters of any alphabet, digits, and the characters “_”, “-” and “.”, beginning with a letter or a digit. Letter case does not matter when logging in.</source>
        <translation>Username: %1 to %2 characters: letters of any alphabet, digits, and the characters “_”, “-” and “.”, beginning with a letter or a digit. Letter case does not matter when logging in.</translation>
    </message>
    <message numerus="yes">
        <location filename="../texts.py" line="68" />
        <source>Password: at least %n character(s); any characters are allowed.</source>
        <translation>
            <numerusform>Password: at least %n character; any characters are allowed.</numerusform>
            <numerusform>Password: at least %n characters; any characters are allowed.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../texts.py" line="111" />
        <location filename="../texts.py" line="83" />
        <source>Too short: at least %n character(s).</source>
        <translation>
            <numerusform>Too short: at least %n character.</numerusform>
            <numerusform>Too short: at least %n characters.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../texts.py" line="164" />
        <location filename="../texts.py" line="152" />
        <location filename="../texts.py" line="113" />
        <location filename="../texts.py" line="86" />
        <source>Too long: at most %n character(s).</source>
        <translation>
            <numerusform>Too long: at most %n character.</numerusform>
            <numerusform>Too long: at most %n characters.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../texts.py" line="94" />
        <source>Spaces are not allowed.</source>
        <translation>Spaces are not allowed.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="97" />
        <source>An invisible character (%1) is not allowed.</source>
        <translation>An invisible character (%1) is not allowed.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="100" />
        <source>The character “%1” is not allowed.</source>
        <translation>The character “%1” is not allowed.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="102" />
        <source>It must begin with a letter or a digit.</source>
        <translation>It must begin with a letter or a digit.</translation>
    </message>
    <message numerus="yes">
        <location filename="../texts.py" line="124" />
        <source>The message is too long: at most %n character(s).</source>
        <translation>
            <numerusform>The message is too long: at most %n character.</numerusform>
            <numerusform>The message is too long: at most %n characters.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../texts.py" line="128" />
        <source>The message contains characters that cannot be sent.</source>
        <translation>The message contains characters that cannot be sent.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="135" />
        <source>Room name: 1 to %1 characters, not only spaces; no line breaks or other control characters.</source>
        <translation>Room name: 1 to %1 characters, not only spaces; no line breaks or other control characters.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="150" />
        <source>Give the room a name.</source>
        <translation>Give the room a name.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="166" />
        <location filename="../texts.py" line="154" />
        <source>Line breaks and other control characters are not allowed.</source>
        <translation>Line breaks and other control characters are not allowed.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="175" />
        <source>Cannot reach the server at %1. Check the address and that the server is running.</source>
        <translation>Cannot reach the server at %1. Check the address and that the server is running.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="179" />
        <source>The server at %1 speaks protocol version %2, but this Besedka speaks versions 1 to %3. Update the older of the two.</source>
        <translation>The server at %1 speaks protocol version %2, but this Besedka speaks versions 1 to %3. Update the older of the two.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="185" />
        <source>%1 answered, but it is not a Besedka server.</source>
        <translation>%1 answered, but it is not a Besedka server.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="188" />
        <source>%1 accepted the connection but did not answer like a Besedka server.</source>
        <translation>%1 accepted the connection but did not answer like a Besedka server.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="192" />
        <source>The server at %1 accepts only encrypted (TLS) connections. Start Besedka without --no-tls.</source>
        <translation>The server at %1 accepts only encrypted (TLS) connections. Start Besedka without --no-tls.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="196" />
        <source>The server at %1 does not use encryption, so your password and messages could be read on the network. Ask its administrator to start it without --no-tls.</source>
        <translation>The server at %1 does not use encryption, so your password and messages could be read on the network. Ask its administrator to start it without --no-tls.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="201" />
        <source>Could not set up an encrypted connection with %1. It may not be a Besedka server.</source>
        <translation>Could not set up an encrypted connection with %1. It may not be a Besedka server.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="209" />
        <source>Warning: the server at %1 presented another certificate than the one your administrator set up this computer to trust, so Besedka did not send your password. Someone may be impersonating the server, or its certificate was replaced. Tell the administrator this fingerprint:
%2</source>
        <translation>Warning: the server at %1 presented another certificate than the one your administrator set up this computer to trust, so Besedka did not send your password. Someone may be impersonating the server, or its certificate was replaced. Tell the administrator this fingerprint:
%2</translation>
    </message>
    <message>
        <location filename="../texts.py" line="216" />
        <source>The connection to %1 was lost. Try again.</source>
        <translation>The connection to %1 was lost. Try again.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="224" />
        <source>Warning: the server at %1 presented a different certificate than the one you trusted before, so Besedka did not send your password. Either the server was reinstalled or its certificate replaced, or someone is intercepting the connection. Ask the administrator to compare this fingerprint with the one the server logs when it starts:
%2
If they match, choose “Forget this server’s certificate” and log in again to trust the new one.</source>
        <translation>Warning: the server at %1 presented a different certificate than the one you trusted before, so Besedka did not send your password. Either the server was reinstalled or its certificate replaced, or someone is intercepting the connection. Ask the administrator to compare this fingerprint with the one the server logs when it starts:
%2
If they match, choose “Forget this server’s certificate” and log in again to trust the new one.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="239" />
        <source>Wrong username or password.</source>
        <translation>Wrong username or password.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="241" />
        <source>This username is already taken.</source>
        <translation>This username is already taken.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="243" />
        <source>The server does not accept this username.</source>
        <translation>The server does not accept this username.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="245" />
        <source>The server does not accept this password.</source>
        <translation>The server does not accept this password.</translation>
    </message>
    <message numerus="yes">
        <location filename="../texts.py" line="248" />
        <source>Too many attempts. Try again in %n second(s).</source>
        <translation>
            <numerusform>Too many attempts. Try again in %n second.</numerusform>
            <numerusform>Too many attempts. Try again in %n seconds.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../texts.py" line="251" />
        <source>Your saved login has ended: it was revoked, it expired, or the password was changed. Log in again.</source>
        <translation>Your saved login has ended: it was revoked, it expired, or the password was changed. Log in again.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="255" />
        <source>There is no such user.</source>
        <translation>There is no such user.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="257" />
        <source>The message is too long.</source>
        <translation>The message is too long.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="259" />
        <source>The file is larger than the server allows.</source>
        <translation>The file is larger than the server allows.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="261" />
        <source>Your files take all the space the server gives you.</source>
        <translation>Your files take all the space the server gives you.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="264" />
        <source>The file is no longer on the server.</source>
        <translation>The file is no longer on the server.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="266" />
        <source>The file changed while it was sent.</source>
        <translation>The file changed while it was sent.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="268" />
        <source>The file could not be read or written.</source>
        <translation>The file could not be read or written.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="270" />
        <source>This room does not exist or you are not one of its members.</source>
        <translation>This room does not exist or you are not one of its members.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="273" />
        <source>Only the room's owner can do this, or the room is full.</source>
        <translation>Only the room's owner can do this, or the room is full.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="276" />
        <source>The server does not accept this room name.</source>
        <translation>The server does not accept this room name.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="278" />
        <source>Not connected to the server. Try again when the connection is back.</source>
        <translation>Not connected to the server. Try again when the connection is back.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="280" />
        <source>The server could not do this (%1). Try again later.</source>
        <translation>The server could not do this (%1). Try again later.</translation>
    </message>
    <message numerus="yes">
        <location filename="../texts.py" line="289" />
        <source>%n byte(s)</source>
        <translation>
            <numerusform>%n byte</numerusform>
            <numerusform>%n bytes</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../texts.py" line="290" />
        <source>%1 KB</source>
        <translation>%1 KB</translation>
    </message>
    <message>
        <location filename="../texts.py" line="291" />
        <source>%1 MB</source>
        <translation>%1 MB</translation>
    </message>
    <message>
        <location filename="../texts.py" line="292" />
        <source>%1 GB</source>
        <translation>%1 GB</translation>
    </message>
</context><context>
    <name>TrayPresence</name>
    <message>
        <location filename="../tray.py" line="70" />
        <source>Besedka</source>
        <translation>Besedka</translation>
    </message>
    <message>
        <location filename="../tray.py" line="71" />
        <source>&amp;Open Besedka</source>
        <translation>&amp;Open Besedka</translation>
    </message>
    <message>
        <location filename="../tray.py" line="72" />
        <source>&amp;Quit</source>
        <translation>&amp;Quit</translation>
    </message>
</context><context>
    <name>TrustDialog</name>
    <message>
        <location filename="../trust_dialog.py" line="112" />
        <source>Trust this server?</source>
        <translation>Trust this server?</translation>
    </message>
    <message>
        <location filename="../trust_dialog.py" line="113" />
        <source>This is the first connection to %1. Trust it if this fingerprint is the one its administrator sees in the server's log; Besedka will then refuse any other certificate for this server.</source>
        <translation>This is the first connection to %1. Trust it if this fingerprint is the one its administrator sees in the server's log; Besedka will then refuse any other certificate for this server.</translation>
    </message>
    <message>
        <location filename="../trust_dialog.py" line="117" />
        <source>&amp;Trust and connect</source>
        <translation>&amp;Trust and connect</translation>
    </message>
    <message>
        <location filename="../trust_dialog.py" line="119" />
        <source>This fingerprint matches the fingerprint this server announces on the network. Anyone on the network can announce a server, so this proves nothing: compare it with the administrator's all the same.</source>
        <translation>This fingerprint matches the fingerprint this server announces on the network. Anyone on the network can announce a server, so this proves nothing: compare it with the administrator's all the same.</translation>
    </message>
    <message>
        <location filename="../trust_dialog.py" line="124" />
        <source>Warning: a server announced on this network at this address gives another fingerprint. Someone may be impersonating the server. Trust it only if the administrator confirms this fingerprint.</source>
        <translation>Warning: a server announced on this network at this address gives another fingerprint. Someone may be impersonating the server. Trust it only if the administrator confirms this fingerprint.</translation>
    </message>
</context><context>
    <name>Typing</name>
    <message>
        <location filename="../typing_indicator.py" line="53" />
        <source>%1 is typing…</source>
        <translation>%1 is typing…</translation>
    </message>
    <message>
        <location filename="../typing_indicator.py" line="56" />
        <source>%1 and %2 are typing…</source>
        <translation>%1 and %2 are typing…</translation>
    </message>
    <message>
        <location filename="../typing_indicator.py" line="58" />
        <source>Several people are typing…</source>
        <translation>Several people are typing…</translation>
    </message>
</context><context>
    <name>UserPicker</name>
    <message>
        <location filename="../room_dialogs.py" line="73" />
        <source>Filter people</source>
        <translation>Filter people</translation>
    </message>
</context></TS>
