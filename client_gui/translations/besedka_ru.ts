<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ru_RU">
    <context>
    <name>Besedka</name>
    <message>
        <location filename="../app.py" line="272" />
        <source>You were logged out: %1</source>
        <translation>Сеанс завершён: %1</translation>
    </message>
</context><context>
    <name>BrowseRoomsDialog</name>
    <message>
        <location filename="../room_dialogs.py" line="266" />
        <source>Browse public rooms</source>
        <translation>Открытые комнаты</translation>
    </message>
    <message>
        <location filename="../room_dialogs.py" line="267" />
        <source>Filter rooms</source>
        <translation>Найти комнату</translation>
    </message>
    <message>
        <location filename="../room_dialogs.py" line="268" />
        <source>&amp;Join</source>
        <translation>&amp;Вступить</translation>
    </message>
    <message numerus="yes">
        <location filename="../room_dialogs.py" line="281" />
        <source>%1 · %n member(s)</source>
        <translation>
            <numerusform>%1 · %n участник</numerusform>
            <numerusform>%1 · %n участника</numerusform>
            <numerusform>%1 · %n участников</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../room_dialogs.py" line="288" />
        <source>No public rooms to join.</source>
        <translation>Нет открытых комнат, в которые можно вступить.</translation>
    </message>
</context><context>
    <name>ChangePasswordDialog</name>
    <message>
        <location filename="../dialogs.py" line="76" />
        <source>Change password</source>
        <translation>Смена пароля</translation>
    </message>
    <message>
        <location filename="../dialogs.py" line="78" />
        <source>&amp;Current password:</source>
        <translation>&amp;Текущий пароль:</translation>
    </message>
    <message>
        <location filename="../dialogs.py" line="79" />
        <source>&amp;New password:</source>
        <translation>&amp;Новый пароль:</translation>
    </message>
    <message>
        <location filename="../dialogs.py" line="80" />
        <source>&amp;Repeat new password:</source>
        <translation>&amp;Повторите новый пароль:</translation>
    </message>
    <message>
        <location filename="../dialogs.py" line="93" />
        <source>The passwords do not match.</source>
        <translation>Пароли не совпадают.</translation>
    </message>
    <message>
        <location filename="../dialogs.py" line="94" />
        <source>Enter your current password.</source>
        <translation>Введите текущий пароль.</translation>
    </message>
    <message>
        <location filename="../dialogs.py" line="115" />
        <source>The current password is wrong.</source>
        <translation>Текущий пароль неверен.</translation>
    </message>
    <message>
        <location filename="../dialogs.py" line="121" />
        <source>Not connected to the server. Try again when the connection is back.</source>
        <translation>Нет связи с сервером. Попробуйте снова, когда соединение восстановится.</translation>
    </message>
</context><context>
    <name>ChatWindow</name>
    <message>
        <location filename="../chat_window.py" line="240" />
        <source>&amp;Account</source>
        <translation>&amp;Учётная запись</translation>
    </message>
    <message>
        <location filename="../chat_window.py" line="241" />
        <source>&amp;Change password…</source>
        <translation>&amp;Сменить пароль…</translation>
    </message>
    <message>
        <location filename="../chat_window.py" line="242" />
        <source>&amp;Log out</source>
        <translation>&amp;Выйти</translation>
    </message>
    <message>
        <location filename="../chat_window.py" line="243" />
        <source>&amp;Quit</source>
        <translation>&amp;Закрыть</translation>
    </message>
    <message>
        <location filename="../chat_window.py" line="244" />
        <source>L&amp;anguage</source>
        <translation>&amp;Язык</translation>
    </message>
    <message>
        <location filename="../chat_window.py" line="245" />
        <source>&amp;Help</source>
        <translation>&amp;Справка</translation>
    </message>
    <message>
        <location filename="../chat_window.py" line="246" />
        <source>&amp;About Besedka</source>
        <translation>&amp;О программе «Беседка»</translation>
    </message>
    <message>
        <location filename="../chat_window.py" line="247" />
        <source>Filter conversations</source>
        <translation>Найти беседу</translation>
    </message>
    <message>
        <location filename="../chat_window.py" line="249" />
        <source>Write a message. Enter sends, Shift+Enter starts a new line.</source>
        <translation>Напишите сообщение. Enter — отправить, Shift+Enter — новая строка.</translation>
    </message>
    <message>
        <location filename="../chat_window.py" line="250" />
        <source>&amp;Send</source>
        <translation>&amp;Отправить</translation>
    </message>
    <message>
        <location filename="../chat_window.py" line="251" />
        <source>Send (Enter)</source>
        <translation>Отправить (Enter)</translation>
    </message>
    <message>
        <location filename="../chat_window.py" line="252" />
        <source>Reconnect &amp;now</source>
        <translation>&amp;Подключиться сейчас</translation>
    </message>
    <message>
        <location filename="../chat_window.py" line="254" />
        <source>Besedka</source>
        <translation>Беседка</translation>
    </message>
    <message>
        <location filename="../chat_window.py" line="380" />
        <source>(%1) Besedka — %2</source>
        <translation>(%1) Беседка — %2</translation>
    </message>
    <message>
        <location filename="../chat_window.py" line="383" />
        <source>Besedka — %1</source>
        <translation>Беседка — %1</translation>
    </message>
    <message>
        <location filename="../chat_window.py" line="396" />
        <source>everyone</source>
        <translation>все участники</translation>
    </message>
    <message>
        <location filename="../chat_window.py" line="398" />
        <source>online</source>
        <translation>в сети</translation>
    </message>
    <message>
        <location filename="../chat_window.py" line="400" />
        <source>offline</source>
        <translation>не в сети</translation>
    </message>
    <message>
        <location filename="../chat_window.py" line="416" />
        <source>Connected as %1 to %2</source>
        <translation>Подключено к %2 как %1</translation>
    </message>
    <message numerus="yes">
        <location filename="../chat_window.py" line="419" />
        <source>Connection to %1 lost. Reconnecting in %n second(s)…</source>
        <translation>
            <numerusform>Связь с %1 потеряна. Повторное подключение через %n секунду…</numerusform>
            <numerusform>Связь с %1 потеряна. Повторное подключение через %n секунды…</numerusform>
            <numerusform>Связь с %1 потеряна. Повторное подключение через %n секунд…</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../chat_window.py" line="422" />
        <source>Reconnecting to %1…</source>
        <translation>Подключение к %1…</translation>
    </message>
    <message>
        <location filename="../chat_window.py" line="424" />
        <source>Not connected</source>
        <translation>Нет подключения</translation>
    </message>
    <message numerus="yes">
        <location filename="../chat_window.py" line="427" />
        <source>%n message(s) waiting to be sent</source>
        <translation>
            <numerusform>%n сообщение ждёт отправки</numerusform>
            <numerusform>%n сообщения ждут отправки</numerusform>
            <numerusform>%n сообщений ждут отправки</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../chat_window.py" line="437" />
        <source>Message from %1</source>
        <translation>Сообщение от %1</translation>
    </message>
    <message>
        <location filename="../chat_window.py" line="455" />
        <source>About Besedka</source>
        <translation>О программе «Беседка»</translation>
    </message>
    <message>
        <location filename="../chat_window.py" line="455" />
        <source>&lt;h3&gt;Besedka %1&lt;/h3&gt;&lt;p&gt;A chat for the computers of one local network: a general room and direct messages.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Беседка %1&lt;/h3&gt;&lt;p&gt;Чат для компьютеров одной локальной сети: общий чат и личные сообщения.&lt;/p&gt;</translation>
    </message>
</context><context>
    <name>ConversationListModel</name>
    <message>
        <location filename="../models.py" line="305" />
        <source>General</source>
        <translation>Общий чат</translation>
    </message>
    <message>
        <location filename="../models.py" line="307" />
        <source>%1 (you)</source>
        <translation>%1 (вы)</translation>
    </message>
</context><context>
    <name>FoundServersView</name>
    <message>
        <location filename="../found_servers.py" line="143" />
        <source>Servers found on this &amp;network:</source>
        <translation>&amp;Найденные в сети серверы:</translation>
    </message>
    <message>
        <location filename="../found_servers.py" line="219" />
        <source>No server found on this network. Type the server's address below; multicast (mDNS), which finds servers, may be blocked on this network.</source>
        <translation>В этой сети не найдено ни одного сервера. Введите адрес сервера ниже: возможно, в этой сети заблокирована многоадресная рассылка (mDNS), через которую находятся серверы.</translation>
    </message>
    <message>
        <location filename="../found_servers.py" line="223" />
        <source>Looking for servers on this network…</source>
        <translation>Поиск серверов в этой сети…</translation>
    </message>
</context><context>
    <name>InviteDialog</name>
    <message>
        <location filename="../room_dialogs.py" line="412" />
        <source>Invite to %1</source>
        <translation>Пригласить в «%1»</translation>
    </message>
    <message>
        <location filename="../room_dialogs.py" line="413" />
        <source>Tick the people to add to the room.</source>
        <translation>Отметьте тех, кого добавить в комнату.</translation>
    </message>
    <message>
        <location filename="../room_dialogs.py" line="416" />
        <source>&amp;Invite</source>
        <translation>&amp;Пригласить</translation>
    </message>
</context><context>
    <name>LoginWindow</name>
    <message>
        <location filename="../login_window.py" line="144" />
        <source>Besedka — Log in</source>
        <translation>Беседка — вход</translation>
    </message>
    <message>
        <location filename="../login_window.py" line="145" />
        <source>Log in to Besedka</source>
        <translation>Вход в Беседку</translation>
    </message>
    <message>
        <location filename="../login_window.py" line="146" />
        <source>&amp;Server:</source>
        <translation>&amp;Сервер:</translation>
    </message>
    <message>
        <location filename="../login_window.py" line="146" />
        <source>&amp;Username:</source>
        <translation>&amp;Имя пользователя:</translation>
    </message>
    <message>
        <location filename="../login_window.py" line="147" />
        <source>&amp;Password:</source>
        <translation>&amp;Пароль:</translation>
    </message>
    <message>
        <location filename="../login_window.py" line="149" />
        <source>host name or address</source>
        <translation>имя или адрес компьютера</translation>
    </message>
    <message>
        <location filename="../login_window.py" line="173" />
        <location filename="../login_window.py" line="150" />
        <source>&amp;Log in</source>
        <translation>&amp;Войти</translation>
    </message>
    <message>
        <location filename="../login_window.py" line="151" />
        <source>Create an &amp;account…</source>
        <translation>Создать &amp;учётную запись…</translation>
    </message>
    <message>
        <location filename="../login_window.py" line="152" />
        <source>&amp;Forget this server’s certificate</source>
        <translation>&amp;Забыть сертификат этого сервера</translation>
    </message>
    <message>
        <location filename="../login_window.py" line="171" />
        <source>Connecting…</source>
        <translation>Подключение…</translation>
    </message>
    <message>
        <location filename="../login_window.py" line="193" />
        <source>The certificate is forgotten. Log in again to see the server’s new fingerprint and decide whether to trust it.</source>
        <translation>Сертификат забыт. Войдите снова, чтобы увидеть новый отпечаток сервера и решить, доверять ли ему.</translation>
    </message>
    <message>
        <location filename="../login_window.py" line="205" />
        <source>Enter the address of the server.</source>
        <translation>Укажите адрес сервера.</translation>
    </message>
    <message>
        <location filename="../login_window.py" line="208" />
        <source>Enter your username.</source>
        <translation>Введите имя пользователя.</translation>
    </message>
    <message>
        <location filename="../login_window.py" line="211" />
        <source>Enter your password.</source>
        <translation>Введите пароль.</translation>
    </message>
</context><context>
    <name>MemberListModel</name>
    <message>
        <location filename="../room_models.py" line="60" />
        <source>%1 (you, owner)</source>
        <translation>%1 (вы, владелец)</translation>
    </message>
    <message>
        <location filename="../room_models.py" line="62" />
        <source>%1 (owner)</source>
        <translation>%1 (владелец)</translation>
    </message>
    <message>
        <location filename="../room_models.py" line="64" />
        <source>%1 (you)</source>
        <translation>%1 (вы)</translation>
    </message>
</context><context>
    <name>MembersPanel</name>
    <message>
        <location filename="../room_panel.py" line="101" />
        <source>&amp;Invite…</source>
        <translation>&amp;Пригласить…</translation>
    </message>
    <message>
        <location filename="../room_panel.py" line="102" />
        <source>Re&amp;move</source>
        <translation>&amp;Исключить</translation>
    </message>
    <message>
        <location filename="../room_panel.py" line="103" />
        <source>Remove the selected member from the room</source>
        <translation>Исключить выбранного участника из комнаты</translation>
    </message>
    <message>
        <location filename="../room_panel.py" line="134" />
        <source>Members</source>
        <translation>Участники</translation>
    </message>
    <message numerus="yes">
        <location filename="../room_panel.py" line="136" />
        <source>Members: %1 of %n online</source>
        <translation>
            <numerusform>Участники: %1 из %n в сети</numerusform>
            <numerusform>Участники: %1 из %n в сети</numerusform>
            <numerusform>Участники: %1 из %n в сети</numerusform>
        </translation>
    </message>
</context><context>
    <name>MessageDelegate</name>
    <message>
        <location filename="../delegates.py" line="286" />
        <source>Today</source>
        <translation>Сегодня</translation>
    </message>
    <message>
        <location filename="../delegates.py" line="288" />
        <source>Yesterday</source>
        <translation>Вчера</translation>
    </message>
    <message>
        <location filename="../delegates.py" line="294" />
        <source>⌛ sending…</source>
        <translation>⌛ отправляется…</translation>
    </message>
    <message>
        <location filename="../delegates.py" line="296" />
        <source>not sent: %1</source>
        <translation>не отправлено: %1</translation>
    </message>
</context><context>
    <name>MessageView</name>
    <message>
        <location filename="../message_view.py" line="118" />
        <source>&amp;Copy</source>
        <translation>&amp;Копировать</translation>
    </message>
    <message>
        <location filename="../message_view.py" line="119" />
        <source>&amp;Select text</source>
        <translation>&amp;Выделить текст</translation>
    </message>
    <message>
        <location filename="../message_view.py" line="120" />
        <source>Copy &amp;link address</source>
        <translation>Копировать &amp;адрес ссылки</translation>
    </message>
    <message>
        <location filename="../message_view.py" line="364" />
        <source>&amp;Delete unsent message</source>
        <translation>&amp;Удалить неотправленное сообщение</translation>
    </message>
    <message>
        <location filename="../message_view.py" line="380" />
        <source>Loading…</source>
        <translation>Загрузка…</translation>
    </message>
    <message>
        <location filename="../message_view.py" line="380" />
        <source>No messages yet.</source>
        <translation>Сообщений пока нет.</translation>
    </message>
</context><context>
    <name>NewRoomDialog</name>
    <message>
        <location filename="../room_dialogs.py" line="190" />
        <source>New room</source>
        <translation>Новая комната</translation>
    </message>
    <message>
        <location filename="../room_dialogs.py" line="192" />
        <source>&amp;Name:</source>
        <translation>&amp;Название:</translation>
    </message>
    <message>
        <location filename="../room_dialogs.py" line="193" />
        <source>&amp;Members:</source>
        <translation>&amp;Участники:</translation>
    </message>
    <message>
        <location filename="../room_dialogs.py" line="194" />
        <source>&amp;Public: anyone can find and join it</source>
        <translation>&amp;Открытая: любой может найти её и вступить</translation>
    </message>
    <message>
        <location filename="../room_dialogs.py" line="195" />
        <source>&amp;Create</source>
        <translation>&amp;Создать</translation>
    </message>
</context><context>
    <name>RegistrationWindow</name>
    <message>
        <location filename="../registration_window.py" line="96" />
        <source>Besedka — Create an account</source>
        <translation>Беседка — регистрация</translation>
    </message>
    <message>
        <location filename="../registration_window.py" line="97" />
        <source>Create an account</source>
        <translation>Регистрация</translation>
    </message>
    <message>
        <location filename="../registration_window.py" line="99" />
        <source>&amp;Server:</source>
        <translation>&amp;Сервер:</translation>
    </message>
    <message>
        <location filename="../registration_window.py" line="99" />
        <source>&amp;Username:</source>
        <translation>&amp;Имя пользователя:</translation>
    </message>
    <message>
        <location filename="../registration_window.py" line="100" />
        <source>&amp;Password:</source>
        <translation>&amp;Пароль:</translation>
    </message>
    <message>
        <location filename="../registration_window.py" line="101" />
        <source>&amp;Repeat password:</source>
        <translation>П&amp;овторите пароль:</translation>
    </message>
    <message>
        <location filename="../registration_window.py" line="151" />
        <location filename="../registration_window.py" line="103" />
        <source>&amp;Create account</source>
        <translation>&amp;Зарегистрироваться</translation>
    </message>
    <message>
        <location filename="../registration_window.py" line="104" />
        <source>← &amp;Back to login</source>
        <translation>← &amp;Назад ко входу</translation>
    </message>
    <message>
        <location filename="../registration_window.py" line="120" />
        <source>The passwords do not match.</source>
        <translation>Пароли не совпадают.</translation>
    </message>
    <message>
        <location filename="../registration_window.py" line="150" />
        <source>Creating…</source>
        <translation>Регистрация…</translation>
    </message>
    <message>
        <location filename="../registration_window.py" line="159" />
        <source>Enter the address of the server.</source>
        <translation>Укажите адрес сервера.</translation>
    </message>
</context><context>
    <name>RoomControls</name>
    <message>
        <location filename="../room_panel.py" line="219" />
        <source>&amp;Rooms</source>
        <translation>&amp;Комнаты</translation>
    </message>
    <message>
        <location filename="../room_panel.py" line="220" />
        <source>&amp;New room…</source>
        <translation>&amp;Новая комната…</translation>
    </message>
    <message>
        <location filename="../room_panel.py" line="221" />
        <source>&amp;Browse public rooms…</source>
        <translation>&amp;Открытые комнаты…</translation>
    </message>
    <message>
        <location filename="../room_panel.py" line="222" />
        <source>&amp;Invite…</source>
        <translation>&amp;Пригласить…</translation>
    </message>
    <message>
        <location filename="../room_panel.py" line="223" />
        <source>Room &amp;settings…</source>
        <translation>Н&amp;астройки комнаты…</translation>
    </message>
    <message>
        <location filename="../room_panel.py" line="224" />
        <source>&amp;Leave room</source>
        <translation>&amp;Выйти из комнаты</translation>
    </message>
    <message>
        <location filename="../room_panel.py" line="225" />
        <source>&amp;Mute notifications</source>
        <translation>Без &amp;уведомлений</translation>
    </message>
    <message>
        <location filename="../room_panel.py" line="226" />
        <source>Mem&amp;bers</source>
        <translation>У&amp;частники</translation>
    </message>
    <message>
        <location filename="../room_panel.py" line="227" />
        <source>Show who is in this room</source>
        <translation>Показать, кто в этой комнате</translation>
    </message>
    <message numerus="yes">
        <location filename="../room_panel.py" line="250" />
        <source>%n member(s)</source>
        <translation>
            <numerusform>%n участник</numerusform>
            <numerusform>%n участника</numerusform>
            <numerusform>%n участников</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../room_panel.py" line="313" />
        <source>Leave “%1”? You can come back only if it is public or someone invites you.</source>
        <translation>Выйти из «%1»? Вернуться можно, только если комната открытая или вас пригласят.</translation>
    </message>
    <message>
        <location filename="../room_panel.py" line="321" />
        <source>Remove %1 from “%2”?</source>
        <translation>Исключить %1 из «%2»?</translation>
    </message>
    <message>
        <location filename="../room_panel.py" line="350" />
        <source>Besedka</source>
        <translation>Беседка</translation>
    </message>
    <message>
        <location filename="../room_panel.py" line="371" />
        <source>%1 in %2</source>
        <translation>%1 в «%2»</translation>
    </message>
</context><context>
    <name>RoomSettingsDialog</name>
    <message>
        <location filename="../room_dialogs.py" line="348" />
        <source>Room settings</source>
        <translation>Настройки комнаты</translation>
    </message>
    <message>
        <location filename="../room_dialogs.py" line="349" />
        <source>&amp;Name:</source>
        <translation>&amp;Название:</translation>
    </message>
    <message>
        <location filename="../room_dialogs.py" line="350" />
        <source>&amp;Topic:</source>
        <translation>&amp;Тема:</translation>
    </message>
    <message>
        <location filename="../room_dialogs.py" line="351" />
        <source>&amp;Public: anyone can find and join it</source>
        <translation>&amp;Открытая: любой может найти её и вступить</translation>
    </message>
    <message>
        <location filename="../room_dialogs.py" line="352" />
        <source>&amp;Save</source>
        <translation>&amp;Сохранить</translation>
    </message>
</context><context>
    <name>ServerListModel</name>
    <message>
        <location filename="../discovery.py" line="389" />
        <source>%1 — %2:%3</source>
        <translation>%1 — %2:%3</translation>
    </message>
    <message>
        <location filename="../discovery.py" line="391" />
        <source>(another version of Besedka)</source>
        <translation>(другая версия Беседки)</translation>
    </message>
    <message>
        <location filename="../discovery.py" line="394" />
        <source>%1 at %2, port %3</source>
        <translation>%1, адрес %2, порт %3</translation>
    </message>
    <message>
        <location filename="../discovery.py" line="396" />
        <source>Besedka %1</source>
        <translation>Беседка %1</translation>
    </message>
</context><context>
    <name>Texts</name>
    <message>
        <location filename="../texts.py" line="50" />
        <source>Username: %1 to %2 characters: letters of any alphabet, digits, and _ - . Letter case does not matter when logging in.</source>
        <translation>Имя пользователя: от %1 до %2 символов — буквы любого алфавита, цифры и _ - . При входе регистр букв не важен.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="59" />
        <source>Password: at least %1 characters; any characters are allowed.</source>
        <translation>Пароль: не короче %1 символов, допустимы любые символы.</translation>
    </message>
    <message numerus="yes">
        <location filename="../texts.py" line="98" />
        <location filename="../texts.py" line="74" />
        <source>Too short: at least %n character(s).</source>
        <translation>
            <numerusform>Слишком коротко: минимум %n символ.</numerusform>
            <numerusform>Слишком коротко: минимум %n символа.</numerusform>
            <numerusform>Слишком коротко: минимум %n символов.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../texts.py" line="151" />
        <location filename="../texts.py" line="139" />
        <location filename="../texts.py" line="100" />
        <location filename="../texts.py" line="77" />
        <source>Too long: at most %n character(s).</source>
        <translation>
            <numerusform>Слишком длинно: максимум %n символ.</numerusform>
            <numerusform>Слишком длинно: максимум %n символа.</numerusform>
            <numerusform>Слишком длинно: максимум %n символов.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../texts.py" line="86" />
        <source>Spaces are not allowed.</source>
        <translation>Пробелы не допускаются.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="87" />
        <source>The character “%1” is not allowed.</source>
        <translation>Символ «%1» не допускается.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="89" />
        <source>This username is not allowed.</source>
        <translation>Такое имя пользователя недопустимо.</translation>
    </message>
    <message numerus="yes">
        <location filename="../texts.py" line="111" />
        <source>The message is too long: at most %n character(s).</source>
        <translation>
            <numerusform>Сообщение слишком длинное: максимум %n символ.</numerusform>
            <numerusform>Сообщение слишком длинное: максимум %n символа.</numerusform>
            <numerusform>Сообщение слишком длинное: максимум %n символов.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../texts.py" line="115" />
        <source>The message contains characters that cannot be sent.</source>
        <translation>В сообщении есть символы, которые нельзя отправить.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="122" />
        <source>Room name: 1 to %1 characters, not only spaces; no line breaks or other control characters.</source>
        <translation>Название комнаты: от 1 до %1 символов, не одни пробелы; без переносов строк и других управляющих символов.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="137" />
        <source>Give the room a name.</source>
        <translation>Дайте комнате название.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="153" />
        <location filename="../texts.py" line="141" />
        <source>Line breaks and other control characters are not allowed.</source>
        <translation>Переносы строк и другие управляющие символы недопустимы.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="162" />
        <source>Cannot reach the server at %1. Check the address and that the server is running.</source>
        <translation>Не удаётся связаться с сервером %1. Проверьте адрес и запущен ли сервер.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="166" />
        <source>The server at %1 speaks protocol version %2, but this Besedka speaks versions 1 to %3. Update the older of the two.</source>
        <translation>Сервер %1 использует протокол версии %2, а эта Беседка — версий с 1 по %3. Обновите ту программу, что старше.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="172" />
        <source>%1 answered, but it is not a Besedka server.</source>
        <translation>%1 отвечает, но это не сервер Беседки.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="175" />
        <source>%1 accepted the connection but did not answer like a Besedka server.</source>
        <translation>%1 принял соединение, но отвечает не как сервер Беседки.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="179" />
        <source>The server at %1 accepts only encrypted (TLS) connections. Start Besedka without --no-tls.</source>
        <translation>Сервер %1 принимает только зашифрованные (TLS) подключения. Запустите Беседку без --no-tls.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="183" />
        <source>The server at %1 does not use encryption, so your password and messages could be read on the network. Ask its administrator to start it without --no-tls.</source>
        <translation>Сервер %1 не использует шифрование: ваш пароль и сообщения могли бы прочитать в сети. Попросите администратора запустить его без --no-tls.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="188" />
        <source>Could not set up an encrypted connection with %1. It may not be a Besedka server.</source>
        <translation>Не удалось установить зашифрованное соединение с %1. Возможно, это не сервер Беседки.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="194" />
        <source>The server at %1 presents another certificate than the one it announced on this network, so the password was not sent. Someone may be impersonating the server. Ask its administrator to compare the fingerprint the server logs at start.</source>
        <translation>Сервер %1 предъявил не тот сертификат, который он объявил в этой сети, поэтому пароль не отправлен. Возможно, кто-то выдаёт себя за этот сервер. Попросите администратора сверить отпечаток, который сервер пишет в журнал при запуске.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="200" />
        <source>The connection to %1 was lost. Try again.</source>
        <translation>Связь с %1 прервалась. Попробуйте ещё раз.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="208" />
        <source>Warning: the server at %1 presented a different certificate than the one you trusted before, so Besedka did not send your password. Either the server was reinstalled or its certificate replaced, or someone is intercepting the connection. Ask the administrator to compare this fingerprint with the one the server logs when it starts:
%2
If they match, choose “Forget this server’s certificate” and log in again to trust the new one.</source>
        <translation>Внимание: сервер %1 предъявил не тот сертификат, которому вы доверились раньше, поэтому Беседка не отправила ваш пароль. Либо сервер переустановили или заменили его сертификат, либо кто-то перехватывает соединение. Попросите администратора сравнить этот отпечаток с тем, что сервер пишет в журнал при запуске:
%2
Если они совпадают, нажмите «Забыть сертификат этого сервера» и войдите снова, чтобы довериться новому.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="223" />
        <source>Wrong username or password.</source>
        <translation>Неверное имя пользователя или пароль.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="225" />
        <source>This username is already taken.</source>
        <translation>Это имя пользователя уже занято.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="227" />
        <source>The server does not accept this username.</source>
        <translation>Сервер не принимает такое имя пользователя.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="229" />
        <source>The server does not accept this password.</source>
        <translation>Сервер не принимает такой пароль.</translation>
    </message>
    <message numerus="yes">
        <location filename="../texts.py" line="232" />
        <source>Too many attempts. Try again in %n second(s).</source>
        <translation>
            <numerusform>Слишком много попыток. Попробуйте снова через %n секунду.</numerusform>
            <numerusform>Слишком много попыток. Попробуйте снова через %n секунды.</numerusform>
            <numerusform>Слишком много попыток. Попробуйте снова через %n секунд.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../texts.py" line="235" />
        <source>There is no such user.</source>
        <translation>Такого пользователя нет.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="237" />
        <source>The message is too long.</source>
        <translation>Сообщение слишком длинное.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="239" />
        <source>This room does not exist or you are not one of its members.</source>
        <translation>Такой комнаты нет, или вы не её участник.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="242" />
        <source>Only the room's owner can do this, or the room is full.</source>
        <translation>Это может только владелец комнаты, или комната уже заполнена.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="245" />
        <source>The server does not accept this room name.</source>
        <translation>Сервер не принимает такое название комнаты.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="247" />
        <source>Not connected to the server. Try again when the connection is back.</source>
        <translation>Нет связи с сервером. Попробуйте снова, когда соединение восстановится.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="249" />
        <source>The server could not do this (%1). Try again later.</source>
        <translation>Серверу не удалось выполнить действие (%1). Попробуйте позже.</translation>
    </message>
</context><context>
    <name>TrustDialog</name>
    <message>
        <location filename="../trust_dialog.py" line="71" />
        <source>Trust this server?</source>
        <translation>Доверять этому серверу?</translation>
    </message>
    <message>
        <location filename="../trust_dialog.py" line="72" />
        <source>This is the first connection to %1. Trust it if this fingerprint is the one its administrator sees in the server's log; Besedka will then refuse any other certificate for this server.</source>
        <translation>Это первое подключение к %1. Доверяйте ему, только если этот отпечаток совпадает с тем, что администратор видит в журнале сервера; после этого Беседка будет отвергать любой другой сертификат этого сервера.</translation>
    </message>
    <message>
        <location filename="../trust_dialog.py" line="76" />
        <source>&amp;Trust and connect</source>
        <translation>&amp;Доверять и подключиться</translation>
    </message>
</context><context>
    <name>UserPicker</name>
    <message>
        <location filename="../room_dialogs.py" line="72" />
        <source>Filter people</source>
        <translation>Найти человека</translation>
    </message>
</context></TS>
