<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ru_RU">
    <context>
    <name>Besedka</name>
    <message>
        <location filename="../app.py" line="194" />
        <source>Enter your password.</source>
        <translation>Введите пароль.</translation>
    </message>
    <message>
        <location filename="../app.py" line="324" />
        <source>You were logged out: %1</source>
        <translation>Сеанс завершён: %1</translation>
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
        <location filename="../chat_window.py" line="242" />
        <source>&amp;Account</source>
        <translation>&amp;Учётная запись</translation>
    </message>
    <message>
        <location filename="../chat_window.py" line="243" />
        <source>&amp;Change password…</source>
        <translation>&amp;Сменить пароль…</translation>
    </message>
    <message>
        <location filename="../chat_window.py" line="244" />
        <source>&amp;Sessions…</source>
        <translation>С&amp;еансы…</translation>
    </message>
    <message>
        <location filename="../chat_window.py" line="245" />
        <source>&amp;Log out</source>
        <translation>&amp;Выйти</translation>
    </message>
    <message>
        <location filename="../chat_window.py" line="246" />
        <source>&amp;Quit</source>
        <translation>&amp;Закрыть</translation>
    </message>
    <message>
        <location filename="../chat_window.py" line="247" />
        <source>L&amp;anguage</source>
        <translation>&amp;Язык</translation>
    </message>
    <message>
        <location filename="../chat_window.py" line="248" />
        <source>&amp;Help</source>
        <translation>&amp;Справка</translation>
    </message>
    <message>
        <location filename="../chat_window.py" line="249" />
        <source>&amp;About Besedka</source>
        <translation>&amp;О программе «Беседка»</translation>
    </message>
    <message>
        <location filename="../chat_window.py" line="250" />
        <source>Filter conversations</source>
        <translation>Найти беседу</translation>
    </message>
    <message>
        <location filename="../chat_window.py" line="252" />
        <source>Write a message. Enter sends, Shift+Enter starts a new line.</source>
        <translation>Напишите сообщение. Enter — отправить, Shift+Enter — новая строка.</translation>
    </message>
    <message>
        <location filename="../chat_window.py" line="253" />
        <source>&amp;Send</source>
        <translation>&amp;Отправить</translation>
    </message>
    <message>
        <location filename="../chat_window.py" line="254" />
        <source>Send (Enter)</source>
        <translation>Отправить (Enter)</translation>
    </message>
    <message>
        <location filename="../chat_window.py" line="255" />
        <source>Reconnect &amp;now</source>
        <translation>&amp;Подключиться сейчас</translation>
    </message>
    <message>
        <location filename="../chat_window.py" line="257" />
        <source>Besedka</source>
        <translation>Беседка</translation>
    </message>
    <message>
        <location filename="../chat_window.py" line="382" />
        <source>(%1) Besedka — %2</source>
        <translation>(%1) Беседка — %2</translation>
    </message>
    <message>
        <location filename="../chat_window.py" line="385" />
        <source>Besedka — %1</source>
        <translation>Беседка — %1</translation>
    </message>
    <message>
        <location filename="../chat_window.py" line="394" />
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
        <location filename="../chat_window.py" line="462" />
        <source>About Besedka</source>
        <translation>О программе «Беседка»</translation>
    </message>
    <message>
        <location filename="../chat_window.py" line="462" />
        <source>&lt;h3&gt;Besedka %1&lt;/h3&gt;&lt;p&gt;A chat for the computers of one local network: a general room and direct messages.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Беседка %1&lt;/h3&gt;&lt;p&gt;Чат для компьютеров одной локальной сети: общий чат и личные сообщения.&lt;/p&gt;</translation>
    </message>
</context><context>
    <name>ConversationListModel</name>
    <message>
        <location filename="../models.py" line="306" />
        <source>General</source>
        <translation>Общий чат</translation>
    </message>
    <message>
        <location filename="../models.py" line="308" />
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
    <name>LoginWindow</name>
    <message>
        <location filename="../login_window.py" line="170" />
        <source>Besedka — Log in</source>
        <translation>Беседка — вход</translation>
    </message>
    <message>
        <location filename="../login_window.py" line="171" />
        <source>Log in to Besedka</source>
        <translation>Вход в Беседку</translation>
    </message>
    <message>
        <location filename="../login_window.py" line="172" />
        <source>&amp;Server:</source>
        <translation>&amp;Сервер:</translation>
    </message>
    <message>
        <location filename="../login_window.py" line="172" />
        <source>&amp;Username:</source>
        <translation>&amp;Имя пользователя:</translation>
    </message>
    <message>
        <location filename="../login_window.py" line="173" />
        <source>&amp;Password:</source>
        <translation>&amp;Пароль:</translation>
    </message>
    <message>
        <location filename="../login_window.py" line="175" />
        <source>host name or address</source>
        <translation>имя или адрес компьютера</translation>
    </message>
    <message>
        <location filename="../login_window.py" line="206" />
        <location filename="../login_window.py" line="176" />
        <source>&amp;Log in</source>
        <translation>&amp;Войти</translation>
    </message>
    <message>
        <location filename="../login_window.py" line="177" />
        <source>&amp;Keep me logged in</source>
        <translation>Не вы&amp;ходить из учётной записи</translation>
    </message>
    <message>
        <location filename="../login_window.py" line="178" />
        <source>Open Besedka logged in next time, until you choose Log out. Leave it off on a computer that others use.</source>
        <translation>В следующий раз Беседка откроется уже с выполненным входом — до тех пор, пока вы не выберете «Выйти». Не включайте это на компьютере, которым пользуются другие.</translation>
    </message>
    <message>
        <location filename="../login_window.py" line="182" />
        <source>leave empty to use the saved login</source>
        <translation>оставьте пустым, чтобы войти по сохранённому входу</translation>
    </message>
    <message>
        <location filename="../login_window.py" line="183" />
        <source>Create an &amp;account…</source>
        <translation>Создать &amp;учётную запись…</translation>
    </message>
    <message>
        <location filename="../login_window.py" line="184" />
        <source>&amp;Forget this server’s certificate</source>
        <translation>&amp;Забыть сертификат этого сервера</translation>
    </message>
    <message>
        <location filename="../login_window.py" line="204" />
        <source>Connecting…</source>
        <translation>Подключение…</translation>
    </message>
    <message>
        <location filename="../login_window.py" line="226" />
        <source>The certificate is forgotten. Log in again to see the server’s new fingerprint and decide whether to trust it.</source>
        <translation>Сертификат забыт. Войдите снова, чтобы увидеть новый отпечаток сервера и решить, доверять ли ему.</translation>
    </message>
    <message>
        <location filename="../login_window.py" line="238" />
        <source>Enter the address of the server.</source>
        <translation>Укажите адрес сервера.</translation>
    </message>
    <message>
        <location filename="../login_window.py" line="241" />
        <source>Enter your username.</source>
        <translation>Введите имя пользователя.</translation>
    </message>
    <message>
        <location filename="../login_window.py" line="247" />
        <source>Enter your password.</source>
        <translation>Введите пароль.</translation>
    </message>
</context><context>
    <name>MessageDelegate</name>
    <message>
        <location filename="../delegates.py" line="287" />
        <source>Today</source>
        <translation>Сегодня</translation>
    </message>
    <message>
        <location filename="../delegates.py" line="289" />
        <source>Yesterday</source>
        <translation>Вчера</translation>
    </message>
    <message>
        <location filename="../delegates.py" line="295" />
        <source>⌛ sending…</source>
        <translation>⌛ отправляется…</translation>
    </message>
    <message>
        <location filename="../delegates.py" line="297" />
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
    <name>RegistrationWindow</name>
    <message>
        <location filename="../registration_window.py" line="100" />
        <source>Besedka — Create an account</source>
        <translation>Беседка — регистрация</translation>
    </message>
    <message>
        <location filename="../registration_window.py" line="101" />
        <source>Create an account</source>
        <translation>Регистрация</translation>
    </message>
    <message>
        <location filename="../registration_window.py" line="103" />
        <source>&amp;Server:</source>
        <translation>&amp;Сервер:</translation>
    </message>
    <message>
        <location filename="../registration_window.py" line="103" />
        <source>&amp;Username:</source>
        <translation>&amp;Имя пользователя:</translation>
    </message>
    <message>
        <location filename="../registration_window.py" line="104" />
        <source>&amp;Password:</source>
        <translation>&amp;Пароль:</translation>
    </message>
    <message>
        <location filename="../registration_window.py" line="105" />
        <source>&amp;Repeat password:</source>
        <translation>П&amp;овторите пароль:</translation>
    </message>
    <message>
        <location filename="../registration_window.py" line="157" />
        <location filename="../registration_window.py" line="107" />
        <source>&amp;Create account</source>
        <translation>&amp;Зарегистрироваться</translation>
    </message>
    <message>
        <location filename="../registration_window.py" line="108" />
        <source>&amp;Keep me logged in</source>
        <translation>Не вы&amp;ходить из учётной записи</translation>
    </message>
    <message>
        <location filename="../registration_window.py" line="109" />
        <source>← &amp;Back to login</source>
        <translation>← &amp;Назад ко входу</translation>
    </message>
    <message>
        <location filename="../registration_window.py" line="125" />
        <source>The passwords do not match.</source>
        <translation>Пароли не совпадают.</translation>
    </message>
    <message>
        <location filename="../registration_window.py" line="156" />
        <source>Creating…</source>
        <translation>Регистрация…</translation>
    </message>
    <message>
        <location filename="../registration_window.py" line="165" />
        <source>Enter the address of the server.</source>
        <translation>Укажите адрес сервера.</translation>
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
        <translation>(другая версия Беседки)</translation>
    </message>
    <message>
        <location filename="../discovery.py" line="383" />
        <source>%1 at %2, port %3</source>
        <translation>%1, адрес %2, порт %3</translation>
    </message>
    <message>
        <location filename="../discovery.py" line="385" />
        <source>Besedka %1</source>
        <translation>Беседка %1</translation>
    </message>
</context><context>
    <name>SessionsDialog</name>
    <message>
        <location filename="../sessions_dialog.py" line="99" />
        <source>Sessions</source>
        <translation>Сеансы</translation>
    </message>
    <message>
        <location filename="../sessions_dialog.py" line="100" />
        <source>Where you chose “Keep me logged in”. Revoke a session you do not recognise, or of a computer you no longer use: it is logged out at once. A session unused for 90 days ends by itself.</source>
        <translation>Где вы включили «Не выходить из учётной записи». Отзовите сеанс, который вам незнаком или принадлежит компьютеру, которым вы больше не пользуетесь: из него сразу будет выполнен выход. Сеанс, не использованный 90 дней, завершается сам.</translation>
    </message>
    <message>
        <location filename="../sessions_dialog.py" line="104" />
        <source>Client</source>
        <translation>Программа</translation>
    </message>
    <message>
        <location filename="../sessions_dialog.py" line="104" />
        <source>Created</source>
        <translation>Создан</translation>
    </message>
    <message>
        <location filename="../sessions_dialog.py" line="104" />
        <source>Last used</source>
        <translation>Последний вход</translation>
    </message>
    <message>
        <location filename="../sessions_dialog.py" line="105" />
        <source>&amp;Revoke</source>
        <translation>&amp;Отозвать</translation>
    </message>
    <message>
        <location filename="../sessions_dialog.py" line="121" />
        <source>(unnamed client)</source>
        <translation>(программа без названия)</translation>
    </message>
    <message>
        <location filename="../sessions_dialog.py" line="123" />
        <source>This window: %1</source>
        <translation>Это окно: %1</translation>
    </message>
    <message>
        <location filename="../sessions_dialog.py" line="146" />
        <source>This window's own session ends with Account → Log out.</source>
        <translation>Сеанс этого окна завершается через «Учётная запись → Выйти».</translation>
    </message>
    <message>
        <location filename="../sessions_dialog.py" line="180" />
        <source>Not connected to the server. Try again when the connection is back.</source>
        <translation>Нет связи с сервером. Попробуйте снова, когда соединение восстановится.</translation>
    </message>
</context><context>
    <name>Status</name>
    <message>
        <location filename="../status.py" line="51" />
        <source>Available</source>
        <translation>На месте</translation>
    </message>
    <message>
        <location filename="../status.py" line="52" />
        <source>Away</source>
        <translation>Отошёл</translation>
    </message>
    <message>
        <location filename="../status.py" line="53" />
        <source>Busy</source>
        <translation>Занят</translation>
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
        <translation>&amp;Сообщение статуса…</translation>
    </message>
    <message>
        <location filename="../status.py" line="108" />
        <source>Your status, as the others see it</source>
        <translation>Ваш статус, каким его видят другие</translation>
    </message>
    <message>
        <location filename="../status.py" line="132" />
        <source>Status message</source>
        <translation>Сообщение статуса</translation>
    </message>
    <message>
        <location filename="../status.py" line="133" />
        <source>What the others see beside your status (at most %1 characters):</source>
        <translation>Что другие увидят рядом с вашим статусом (не больше %1 символов):</translation>
    </message>
</context><context>
    <name>Texts</name>
    <message>
        <location filename="../texts.py" line="44" />
        <source>Username: %1 to %2 characters: letters of any alphabet, digits, and _ - . Letter case does not matter when logging in.</source>
        <translation>Имя пользователя: от %1 до %2 символов — буквы любого алфавита, цифры и _ - . При входе регистр букв не важен.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="53" />
        <source>Password: at least %1 characters; any characters are allowed.</source>
        <translation>Пароль: не короче %1 символов, допустимы любые символы.</translation>
    </message>
    <message numerus="yes">
        <location filename="../texts.py" line="92" />
        <location filename="../texts.py" line="68" />
        <source>Too short: at least %n character(s).</source>
        <translation>
            <numerusform>Слишком коротко: минимум %n символ.</numerusform>
            <numerusform>Слишком коротко: минимум %n символа.</numerusform>
            <numerusform>Слишком коротко: минимум %n символов.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../texts.py" line="94" />
        <location filename="../texts.py" line="71" />
        <source>Too long: at most %n character(s).</source>
        <translation>
            <numerusform>Слишком длинно: максимум %n символ.</numerusform>
            <numerusform>Слишком длинно: максимум %n символа.</numerusform>
            <numerusform>Слишком длинно: максимум %n символов.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../texts.py" line="80" />
        <source>Spaces are not allowed.</source>
        <translation>Пробелы не допускаются.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="81" />
        <source>The character “%1” is not allowed.</source>
        <translation>Символ «%1» не допускается.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="83" />
        <source>This username is not allowed.</source>
        <translation>Такое имя пользователя недопустимо.</translation>
    </message>
    <message numerus="yes">
        <location filename="../texts.py" line="105" />
        <source>The message is too long: at most %n character(s).</source>
        <translation>
            <numerusform>Сообщение слишком длинное: максимум %n символ.</numerusform>
            <numerusform>Сообщение слишком длинное: максимум %n символа.</numerusform>
            <numerusform>Сообщение слишком длинное: максимум %n символов.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../texts.py" line="109" />
        <source>The message contains characters that cannot be sent.</source>
        <translation>В сообщении есть символы, которые нельзя отправить.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="118" />
        <source>Cannot reach the server at %1. Check the address and that the server is running.</source>
        <translation>Не удаётся связаться с сервером %1. Проверьте адрес и запущен ли сервер.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="122" />
        <source>The server at %1 speaks protocol version %2, but this Besedka speaks versions 1 to %3. Update the older of the two.</source>
        <translation>Сервер %1 использует протокол версии %2, а эта Беседка — версии с 1 по %3. Обновите ту программу, что старше.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="128" />
        <source>%1 answered, but it is not a Besedka server.</source>
        <translation>%1 отвечает, но это не сервер Беседки.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="131" />
        <source>%1 accepted the connection but did not answer like a Besedka server.</source>
        <translation>%1 принял соединение, но отвечает не как сервер Беседки.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="135" />
        <source>The server at %1 accepts only encrypted (TLS) connections. Start Besedka without --no-tls.</source>
        <translation>Сервер %1 принимает только зашифрованные (TLS) подключения. Запустите Беседку без --no-tls.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="139" />
        <source>The server at %1 does not use encryption, so your password and messages could be read on the network. Ask its administrator to start it without --no-tls.</source>
        <translation>Сервер %1 не использует шифрование: ваш пароль и сообщения могли бы прочитать в сети. Попросите администратора запустить его без --no-tls.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="144" />
        <source>Could not set up an encrypted connection with %1. It may not be a Besedka server.</source>
        <translation>Не удалось установить зашифрованное соединение с %1. Возможно, это не сервер Беседки.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="152" />
        <source>Warning: the server at %1 presented another certificate than the one your administrator set up this computer to trust, so Besedka did not send your password. Someone may be impersonating the server, or its certificate was replaced. Tell the administrator this fingerprint:
%2</source>
        <translation>Внимание: сервер %1 предъявил не тот сертификат, которому этот компьютер доверяет по настройке администратора, поэтому Беседка не отправила ваш пароль. Возможно, кто-то выдаёт себя за сервер или сертификат сервера заменили. Сообщите администратору этот отпечаток:
%2</translation>
    </message>
    <message>
        <location filename="../texts.py" line="159" />
        <source>The connection to %1 was lost. Try again.</source>
        <translation>Связь с %1 прервалась. Попробуйте ещё раз.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="167" />
        <source>Warning: the server at %1 presented a different certificate than the one you trusted before, so Besedka did not send your password. Either the server was reinstalled or its certificate replaced, or someone is intercepting the connection. Ask the administrator to compare this fingerprint with the one the server logs when it starts:
%2
If they match, choose “Forget this server’s certificate” and log in again to trust the new one.</source>
        <translation>Внимание: сервер %1 предъявил не тот сертификат, которому вы доверились раньше, поэтому Беседка не отправила ваш пароль. Либо сервер переустановили или заменили его сертификат, либо кто-то перехватывает соединение. Попросите администратора сравнить этот отпечаток с тем, что сервер пишет в журнал при запуске:
%2
Если они совпадают, нажмите «Забыть сертификат этого сервера» и войдите снова, чтобы довериться новому.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="181" />
        <source>Wrong username or password.</source>
        <translation>Неверное имя пользователя или пароль.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="183" />
        <source>This username is already taken.</source>
        <translation>Это имя пользователя уже занято.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="185" />
        <source>The server does not accept this username.</source>
        <translation>Сервер не принимает такое имя пользователя.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="187" />
        <source>The server does not accept this password.</source>
        <translation>Сервер не принимает такой пароль.</translation>
    </message>
    <message numerus="yes">
        <location filename="../texts.py" line="190" />
        <source>Too many attempts. Try again in %n second(s).</source>
        <translation>
            <numerusform>Слишком много попыток. Попробуйте снова через %n секунду.</numerusform>
            <numerusform>Слишком много попыток. Попробуйте снова через %n секунды.</numerusform>
            <numerusform>Слишком много попыток. Попробуйте снова через %n секунд.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../texts.py" line="193" />
        <source>Your saved login has ended: it was revoked, it expired, or the password was changed. Log in again.</source>
        <translation>Сохранённый вход больше не действует: его отозвали, истёк его срок или сменился пароль. Войдите снова.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="197" />
        <source>There is no such user.</source>
        <translation>Такого пользователя нет.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="199" />
        <source>The message is too long.</source>
        <translation>Сообщение слишком длинное.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="200" />
        <source>The server could not do this (%1). Try again later.</source>
        <translation>Серверу не удалось выполнить действие (%1). Попробуйте позже.</translation>
    </message>
</context><context>
    <name>TrustDialog</name>
    <message>
        <location filename="../trust_dialog.py" line="93" />
        <source>Trust this server?</source>
        <translation>Доверять этому серверу?</translation>
    </message>
    <message>
        <location filename="../trust_dialog.py" line="94" />
        <source>This is the first connection to %1. Trust it if this fingerprint is the one its administrator sees in the server's log; Besedka will then refuse any other certificate for this server.</source>
        <translation>Это первое подключение к %1. Доверяйте ему, только если этот отпечаток совпадает с тем, что администратор видит в журнале сервера; после этого Беседка будет отвергать любой другой сертификат этого сервера.</translation>
    </message>
    <message>
        <location filename="../trust_dialog.py" line="98" />
        <source>&amp;Trust and connect</source>
        <translation>&amp;Доверять и подключиться</translation>
    </message>
    <message>
        <location filename="../trust_dialog.py" line="100" />
        <source>This fingerprint matches the fingerprint this server announces on the network. Anyone on the network can announce a server, so this proves nothing: compare it with the administrator's all the same.</source>
        <translation>Этот отпечаток совпадает с тем, который сервер объявляет в сети. Объявить сервер в сети может кто угодно, так что это ничего не доказывает: всё равно сверьте отпечаток с тем, что у администратора.</translation>
    </message>
    <message>
        <location filename="../trust_dialog.py" line="105" />
        <source>Warning: a server announced on this network at this address gives another fingerprint. Someone may be impersonating the server. Trust it only if the administrator confirms this fingerprint.</source>
        <translation>Внимание: сервер, объявленный в этой сети по этому адресу, сообщает другой отпечаток. Возможно, кто-то выдаёт себя за сервер. Доверяйте, только если администратор подтвердит этот отпечаток.</translation>
    </message>
</context></TS>
