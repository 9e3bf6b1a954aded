<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ru_RU">
    <context>
    <name>AttachmentBar</name>
    <message>
        <location filename="../attachments.py" line="80" />
        <source>Do not send this file</source>
        <translation>Не отправлять этот файл</translation>
    </message>
</context><context>
    <name>Besedka</name>
    <message>
        <location filename="../app.py" line="202" />
        <source>Enter your password.</source>
        <translation>Введите пароль.</translation>
    </message>
    <message>
        <location filename="../app.py" line="338" />
        <source>You were logged out: %1</source>
        <translation>Сеанс завершён: %1</translation>
    </message>
</context><context>
    <name>BrowseRoomsDialog</name>
    <message>
        <location filename="../room_dialogs.py" line="267" />
        <source>Browse public rooms</source>
        <translation>Открытые комнаты</translation>
    </message>
    <message>
        <location filename="../room_dialogs.py" line="268" />
        <source>Filter rooms</source>
        <translation>Найти комнату</translation>
    </message>
    <message>
        <location filename="../room_dialogs.py" line="269" />
        <source>&amp;Join</source>
        <translation>&amp;Вступить</translation>
    </message>
    <message numerus="yes">
        <location filename="../room_dialogs.py" line="282" />
        <source>%1 · %n member(s)</source>
        <translation>
            <numerusform>%1 · %n участник</numerusform>
            <numerusform>%1 · %n участника</numerusform>
            <numerusform>%1 · %n участников</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../room_dialogs.py" line="289" />
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
    <name>ChatFiles</name>
    <message>
        <location filename="../chat_files.py" line="140" />
        <source>&amp;File…</source>
        <translation>&amp;Файл…</translation>
    </message>
    <message>
        <location filename="../chat_files.py" line="141" />
        <source>Attach files (or drop them here, or paste)</source>
        <translation>Прикрепить файлы (или перетащите их сюда, или вставьте)</translation>
    </message>
    <message>
        <location filename="../chat_files.py" line="142" />
        <source>Screenshot</source>
        <translation>Снимок экрана</translation>
    </message>
    <message>
        <location filename="../chat_files.py" line="143" />
        <source>Send an area of the screen</source>
        <translation>Отправить часть экрана</translation>
    </message>
    <message>
        <location filename="../chat_files.py" line="144" />
        <source>Set &amp;picture…</source>
        <translation>Выбрать &amp;фото…</translation>
    </message>
    <message>
        <location filename="../chat_files.py" line="145" />
        <source>&amp;Remove picture</source>
        <translation>&amp;Убрать фото</translation>
    </message>
    <message>
        <location filename="../chat_files.py" line="165" />
        <source>Attach files</source>
        <translation>Прикрепить файлы</translation>
    </message>
    <message>
        <location filename="../chat_files.py" line="285" />
        <source>Choose your picture</source>
        <translation>Выберите своё фото</translation>
    </message>
    <message>
        <location filename="../chat_files.py" line="286" />
        <source>Images (*.png *.jpg *.jpeg *.gif *.webp *.bmp)</source>
        <translation>Изображения (*.png *.jpg *.jpeg *.gif *.webp *.bmp)</translation>
    </message>
    <message>
        <location filename="../chat_files.py" line="294" />
        <source>This file is not a picture Besedka can read.</source>
        <translation>Этот файл не изображение, которое Беседка может прочитать.</translation>
    </message>
    <message>
        <location filename="../chat_files.py" line="298" />
        <source>This picture is too large.</source>
        <translation>Это изображение слишком большое.</translation>
    </message>
    <message>
        <location filename="../chat_files.py" line="319" />
        <source>Picture</source>
        <translation>Фото</translation>
    </message>
</context><context>
    <name>ChatMenus</name>
    <message>
        <location filename="../chat_menus.py" line="124" />
        <source>&amp;Account</source>
        <translation>&amp;Учётная запись</translation>
    </message>
    <message>
        <location filename="../chat_menus.py" line="125" />
        <source>&amp;Settings…</source>
        <translation>&amp;Настройки…</translation>
    </message>
    <message>
        <location filename="../chat_menus.py" line="126" />
        <source>&amp;Change password…</source>
        <translation>&amp;Сменить пароль…</translation>
    </message>
    <message>
        <location filename="../chat_menus.py" line="127" />
        <source>&amp;Sessions…</source>
        <translation>С&amp;еансы…</translation>
    </message>
    <message>
        <location filename="../chat_menus.py" line="128" />
        <source>&amp;Log out</source>
        <translation>Выйти из &amp;учётной записи</translation>
    </message>
    <message>
        <location filename="../chat_menus.py" line="129" />
        <source>&amp;Quit</source>
        <translation>&amp;Закрыть Беседку</translation>
    </message>
    <message>
        <location filename="../chat_menus.py" line="130" />
        <source>&amp;Search</source>
        <translation>&amp;Поиск</translation>
    </message>
    <message>
        <location filename="../chat_menus.py" line="131" />
        <source>L&amp;anguage</source>
        <translation>&amp;Язык</translation>
    </message>
    <message>
        <location filename="../chat_menus.py" line="132" />
        <source>&amp;Help</source>
        <translation>&amp;Справка</translation>
    </message>
    <message>
        <location filename="../chat_menus.py" line="133" />
        <source>&amp;Keyboard shortcuts</source>
        <translation>&amp;Клавиатурные сокращения</translation>
    </message>
    <message>
        <location filename="../chat_menus.py" line="134" />
        <source>&amp;About Besedka</source>
        <translation>&amp;О программе «Беседка»</translation>
    </message>
    <message>
        <location filename="../chat_menus.py" line="152" />
        <source>Go to a conversation by name</source>
        <translation>Перейти к беседе по имени</translation>
    </message>
    <message>
        <location filename="../chat_menus.py" line="153" />
        <source>The conversation above</source>
        <translation>Беседа выше в списке</translation>
    </message>
    <message>
        <location filename="../chat_menus.py" line="154" />
        <source>The conversation below</source>
        <translation>Беседа ниже в списке</translation>
    </message>
    <message>
        <location filename="../chat_menus.py" line="155" />
        <source>The next conversation with unread messages</source>
        <translation>Следующая беседа с непрочитанными сообщениями</translation>
    </message>
    <message>
        <location filename="../chat_menus.py" line="156" />
        <source>Mark the conversation read</source>
        <translation>Отметить беседу прочитанной</translation>
    </message>
    <message>
        <location filename="../chat_menus.py" line="160" />
        <source>Keyboard shortcuts</source>
        <translation>Клавиатурные сокращения</translation>
    </message>
    <message>
        <location filename="../chat_menus.py" line="172" />
        <source>About Besedka</source>
        <translation>О программе «Беседка»</translation>
    </message>
    <message>
        <location filename="../chat_menus.py" line="172" />
        <source>&lt;h3&gt;Besedka %1&lt;/h3&gt;&lt;p&gt;A chat for the computers of one local network: a general room and direct messages.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Беседка %1&lt;/h3&gt;&lt;p&gt;Чат для компьютеров одной локальной сети: общий чат и личные сообщения.&lt;/p&gt;</translation>
    </message>
</context><context>
    <name>ChatWindow</name>
    <message>
        <location filename="../chat_window.py" line="247" />
        <source>Filter conversations</source>
        <translation>Найти беседу</translation>
    </message>
    <message>
        <location filename="../chat_window.py" line="377" />
        <source>(%1) Besedka — %2</source>
        <translation>(%1) Беседка — %2</translation>
    </message>
    <message>
        <location filename="../chat_window.py" line="380" />
        <source>Besedka — %1</source>
        <translation>Беседка — %1</translation>
    </message>
    <message>
        <location filename="../chat_window.py" line="398" />
        <source>everyone</source>
        <translation>все участники</translation>
    </message>
</context><context>
    <name>ComposeBox</name>
    <message>
        <location filename="../compose.py" line="197" />
        <source>Write a message. Enter sends, Shift+Enter starts a new line.</source>
        <translation>Напишите сообщение. Enter — отправить, Shift+Enter — новая строка.</translation>
    </message>
    <message>
        <location filename="../compose.py" line="198" />
        <source>&amp;Send</source>
        <translation>&amp;Отправить</translation>
    </message>
    <message>
        <location filename="../compose.py" line="199" />
        <source>Send (Enter)</source>
        <translation>Отправить (Enter)</translation>
    </message>
    <message>
        <location filename="../compose.py" line="200" />
        <source>Insert an emoji</source>
        <translation>Вставить эмодзи</translation>
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
            <numerusform>В сообщении может быть не больше %n символа.</numerusform>
            <numerusform>В сообщении может быть не больше %n символов.</numerusform>
            <numerusform>В сообщении может быть не больше %n символов.</numerusform>
        </translation>
    </message>
</context><context>
    <name>ComposeStrip</name>
    <message>
        <location filename="../message_actions.py" line="83" />
        <source>Cancel (Esc)</source>
        <translation>Отмена (Esc)</translation>
    </message>
</context><context>
    <name>ConnectionStatus</name>
    <message>
        <location filename="../status_bar.py" line="73" />
        <source>Reconnect &amp;now</source>
        <translation>&amp;Подключиться сейчас</translation>
    </message>
    <message>
        <location filename="../status_bar.py" line="90" />
        <source>Connected as %1 to %2</source>
        <translation>Подключено к %2 как %1</translation>
    </message>
    <message>
        <location filename="../status_bar.py" line="92" />
        <source>Connected as %1</source>
        <translation>Подключено как %1</translation>
    </message>
    <message>
        <location filename="../status_bar.py" line="93" />
        <source>Connected</source>
        <translation>Подключено</translation>
    </message>
    <message numerus="yes">
        <location filename="../status_bar.py" line="96" />
        <source>Connection to %1 lost. Reconnecting in %n second(s)…</source>
        <translation>
            <numerusform>Связь с %1 потеряна. Повторное подключение через %n секунду…</numerusform>
            <numerusform>Связь с %1 потеряна. Повторное подключение через %n секунды…</numerusform>
            <numerusform>Связь с %1 потеряна. Повторное подключение через %n секунд…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../status_bar.py" line="98" />
        <source>Reconnecting in %n second(s)…</source>
        <translation>
            <numerusform>Подключение через %n секунду…</numerusform>
            <numerusform>Подключение через %n секунды…</numerusform>
            <numerusform>Подключение через %n секунд…</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../status_bar.py" line="99" />
        <source>Offline</source>
        <translation>Нет связи</translation>
    </message>
    <message>
        <location filename="../status_bar.py" line="101" />
        <source>Reconnecting to %1…</source>
        <translation>Подключение к %1…</translation>
    </message>
    <message>
        <location filename="../status_bar.py" line="102" />
        <source>Reconnecting…</source>
        <translation>Подключение…</translation>
    </message>
    <message>
        <location filename="../status_bar.py" line="104" />
        <source>Not connected</source>
        <translation>Нет подключения</translation>
    </message>
    <message numerus="yes">
        <location filename="../status_bar.py" line="109" />
        <source>%n message(s) waiting to be sent</source>
        <translation>
            <numerusform>%n сообщение ждёт отправки</numerusform>
            <numerusform>%n сообщения ждут отправки</numerusform>
            <numerusform>%n сообщений ждут отправки</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../status_bar.py" line="110" />
        <source>%n waiting</source>
        <translation>
            <numerusform>%n ждёт отправки</numerusform>
            <numerusform>%n ждут отправки</numerusform>
            <numerusform>%n ждут отправки</numerusform>
        </translation>
    </message>
</context><context>
    <name>ConversationListModel</name>
    <message>
        <location filename="../conversation_models.py" line="106" />
        <source>offline</source>
        <translation>не в сети</translation>
    </message>
    <message>
        <location filename="../conversation_models.py" line="110" />
        <source>online</source>
        <translation>в сети</translation>
    </message>
    <message>
        <location filename="../conversation_models.py" line="113" />
        <source>last known: %1</source>
        <translation>последнее известное: %1</translation>
    </message>
    <message>
        <location filename="../conversation_models.py" line="118" />
        <source>General</source>
        <translation>Общий чат</translation>
    </message>
    <message>
        <location filename="../conversation_models.py" line="120" />
        <source>%1 (you)</source>
        <translation>%1 (вы)</translation>
    </message>
</context><context>
    <name>EmojiGrid</name>
    <message>
        <location filename="../emoji_picker.py" line="97" />
        <source>Smileys</source>
        <translation>Смайлики</translation>
    </message>
    <message>
        <location filename="../emoji_picker.py" line="97" />
        <source>People</source>
        <translation>Жесты</translation>
    </message>
    <message>
        <location filename="../emoji_picker.py" line="98" />
        <source>Objects</source>
        <translation>Предметы</translation>
    </message>
</context><context>
    <name>FileCards</name>
    <message>
        <location filename="../file_cards.py" line="154" />
        <source>Cancel</source>
        <translation>Отменить</translation>
    </message>
    <message>
        <location filename="../file_cards.py" line="165" />
        <source>Open</source>
        <translation>Открыть</translation>
    </message>
    <message>
        <location filename="../file_cards.py" line="166" />
        <source>Show in folder</source>
        <translation>Показать в папке</translation>
    </message>
    <message>
        <location filename="../file_cards.py" line="168" />
        <source>Download</source>
        <translation>Скачать</translation>
    </message>
    <message>
        <location filename="../file_cards.py" line="218" />
        <source>Loading preview…</source>
        <translation>Загрузка изображения…</translation>
    </message>
    <message>
        <location filename="../file_cards.py" line="263" />
        <source>file removed</source>
        <translation>файл удалён</translation>
    </message>
    <message>
        <location filename="../file_cards.py" line="268" />
        <source>not sent: %1</source>
        <translation>не отправлено: %1</translation>
    </message>
    <message>
        <location filename="../file_cards.py" line="270" />
        <source>preparing…</source>
        <translation>подготовка…</translation>
    </message>
    <message>
        <location filename="../file_cards.py" line="277" />
        <location filename="../file_cards.py" line="272" />
        <source>waiting for the connection…</source>
        <translation>ждёт подключения…</translation>
    </message>
    <message>
        <location filename="../file_cards.py" line="281" />
        <source>%1 · download failed: %2</source>
        <translation>%1 · не скачано: %2</translation>
    </message>
</context><context>
    <name>FoundServersView</name>
    <message>
        <location filename="../found_servers.py" line="143" />
        <source>Servers found on this &amp;network:</source>
        <translation>&amp;Найденные в сети серверы:</translation>
    </message>
    <message>
        <location filename="../found_servers.py" line="224" />
        <source>No server found on this network. Type the server's address below; multicast (mDNS), which finds servers, may be blocked on this network.</source>
        <translation>В этой сети не найдено ни одного сервера. Введите адрес сервера ниже: возможно, в этой сети заблокирована многоадресная рассылка (mDNS), через которую находятся серверы.</translation>
    </message>
    <message>
        <location filename="../found_servers.py" line="228" />
        <source>Looking for servers on this network…</source>
        <translation>Поиск серверов в этой сети…</translation>
    </message>
</context><context>
    <name>InviteDialog</name>
    <message>
        <location filename="../room_dialogs.py" line="422" />
        <source>Invite to %1</source>
        <translation>Пригласить в «%1»</translation>
    </message>
    <message>
        <location filename="../room_dialogs.py" line="423" />
        <source>Tick the people to add to the room.</source>
        <translation>Отметьте тех, кого добавить в комнату.</translation>
    </message>
    <message>
        <location filename="../room_dialogs.py" line="426" />
        <source>&amp;Invite</source>
        <translation>&amp;Пригласить</translation>
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
    <name>MemberListModel</name>
    <message>
        <location filename="../room_models.py" line="71" />
        <source>%1 (you, owner)</source>
        <translation>%1 (вы, владелец)</translation>
    </message>
    <message>
        <location filename="../room_models.py" line="73" />
        <source>%1 (owner)</source>
        <translation>%1 (владелец)</translation>
    </message>
    <message>
        <location filename="../room_models.py" line="75" />
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
    <name>MessageActions</name>
    <message>
        <location filename="../message_actions.py" line="144" />
        <source>Replying to %1: %2</source>
        <translation>Ответ %1: %2</translation>
    </message>
    <message>
        <location filename="../message_actions.py" line="157" />
        <source>Editing your message (Esc cancels)</source>
        <translation>Правка сообщения (Esc — отмена)</translation>
    </message>
    <message>
        <location filename="../message_actions.py" line="241" />
        <source>Delete message</source>
        <translation>Удалить сообщение</translation>
    </message>
    <message>
        <location filename="../message_actions.py" line="242" />
        <source>Delete this message for everyone?

%1</source>
        <translation>Удалить это сообщение у всех?

%1</translation>
    </message>
    <message>
        <location filename="../message_actions.py" line="265" />
        <source>That message is gone, or it is not yours to change.</source>
        <translation>Этого сообщения уже нет, или оно не ваше.</translation>
    </message>
    <message>
        <location filename="../message_actions.py" line="267" />
        <source>Not connected: try again when the connection is back.</source>
        <translation>Нет связи: попробуйте снова, когда она восстановится.</translation>
    </message>
</context><context>
    <name>MessageDelegate</name>
    <message>
        <location filename="../delegates.py" line="381" />
        <location filename="../delegates.py" line="253" />
        <location filename="../delegates.py" line="220" />
        <source>Message deleted</source>
        <translation>Сообщение удалено</translation>
    </message>
    <message>
        <location filename="../delegates.py" line="383" />
        <source>An earlier message (click to find it)</source>
        <translation>Более раннее сообщение (нажмите, чтобы найти)</translation>
    </message>
</context><context>
    <name>MessageListModel</name>
    <message>
        <location filename="../models.py" line="199" />
        <source>Seen by %1</source>
        <translation>Прочитали: %1</translation>
    </message>
</context><context>
    <name>MessageMenu</name>
    <message>
        <location filename="../message_menu.py" line="51" />
        <source>&amp;Reply</source>
        <translation>&amp;Ответить</translation>
    </message>
    <message>
        <location filename="../message_menu.py" line="56" />
        <source>Re&amp;act</source>
        <translation>&amp;Реакция</translation>
    </message>
    <message>
        <location filename="../message_menu.py" line="67" />
        <source>&amp;More…</source>
        <translation>&amp;Другие…</translation>
    </message>
    <message>
        <location filename="../message_menu.py" line="73" />
        <source>Copy &amp;link address</source>
        <translation>Копировать &amp;адрес ссылки</translation>
    </message>
    <message>
        <location filename="../message_menu.py" line="80" />
        <source>&amp;Edit</source>
        <translation>&amp;Изменить</translation>
    </message>
    <message>
        <location filename="../message_menu.py" line="84" />
        <source>&amp;Delete…</source>
        <translation>&amp;Удалить…</translation>
    </message>
    <message>
        <location filename="../message_menu.py" line="90" />
        <source>&amp;Delete unsent message</source>
        <translation>&amp;Удалить неотправленное сообщение</translation>
    </message>
</context><context>
    <name>MessageMeta</name>
    <message>
        <location filename="../message_meta.py" line="58" />
        <source>edited</source>
        <translation>изменено</translation>
    </message>
    <message>
        <location filename="../message_meta.py" line="122" />
        <source>Today</source>
        <translation>Сегодня</translation>
    </message>
    <message>
        <location filename="../message_meta.py" line="124" />
        <source>Yesterday</source>
        <translation>Вчера</translation>
    </message>
    <message>
        <location filename="../message_meta.py" line="141" />
        <source>not sent: %1</source>
        <translation>не отправлено: %1</translation>
    </message>
</context><context>
    <name>MessageView</name>
    <message>
        <location filename="../message_view.py" line="159" />
        <source>&amp;Copy</source>
        <translation>&amp;Копировать</translation>
    </message>
    <message>
        <location filename="../message_view.py" line="160" />
        <source>&amp;Select text</source>
        <translation>&amp;Выделить текст</translation>
    </message>
    <message>
        <location filename="../message_view.py" line="478" />
        <source>Loading…</source>
        <translation>Загрузка…</translation>
    </message>
    <message>
        <location filename="../message_view.py" line="478" />
        <source>No messages yet.</source>
        <translation>Сообщений пока нет.</translation>
    </message>
</context><context>
    <name>NewRoomDialog</name>
    <message>
        <location filename="../room_dialogs.py" line="191" />
        <source>New room</source>
        <translation>Новая комната</translation>
    </message>
    <message>
        <location filename="../room_dialogs.py" line="193" />
        <source>&amp;Name:</source>
        <translation>&amp;Название:</translation>
    </message>
    <message>
        <location filename="../room_dialogs.py" line="194" />
        <source>&amp;Members:</source>
        <translation>&amp;Участники:</translation>
    </message>
    <message>
        <location filename="../room_dialogs.py" line="195" />
        <source>&amp;Public: anyone can find and join it</source>
        <translation>&amp;Открытая: любой может найти её и вступить</translation>
    </message>
    <message>
        <location filename="../room_dialogs.py" line="196" />
        <source>&amp;Create</source>
        <translation>&amp;Создать</translation>
    </message>
</context><context>
    <name>Notifier</name>
    <message>
        <location filename="../notifier.py" line="103" />
        <location filename="../notifier.py" line="96" />
        <source>Message from %1</source>
        <translation>Сообщение от %1</translation>
    </message>
    <message>
        <location filename="../notifier.py" line="98" />
        <source>%1 mentioned you</source>
        <translation>%1 упоминает вас</translation>
    </message>
</context><context>
    <name>QuickSwitcher</name>
    <message>
        <location filename="../navigation.py" line="91" />
        <source>Go to a conversation</source>
        <translation>Перейти к беседе</translation>
    </message>
    <message>
        <location filename="../navigation.py" line="92" />
        <source>Type part of a name</source>
        <translation>Введите часть имени</translation>
    </message>
</context><context>
    <name>ReactionPicker</name>
    <message>
        <location filename="../emoji_picker.py" line="176" />
        <source>React with…</source>
        <translation>Реакция…</translation>
    </message>
    <message>
        <location filename="../emoji_picker.py" line="177" />
        <source>Or type or paste any emoji</source>
        <translation>Или введите либо вставьте любой эмодзи</translation>
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
        <location filename="../room_panel.py" line="317" />
        <source>Leave “%1”? You can come back only if it is public or someone invites you.</source>
        <translation>Выйти из «%1»? Вернуться можно, только если комната открытая или вас пригласят.</translation>
    </message>
    <message>
        <location filename="../room_panel.py" line="325" />
        <source>Remove %1 from “%2”?</source>
        <translation>Исключить %1 из «%2»?</translation>
    </message>
    <message>
        <location filename="../room_panel.py" line="354" />
        <source>Besedka</source>
        <translation>Беседка</translation>
    </message>
    <message>
        <location filename="../room_panel.py" line="375" />
        <source>%1 in %2</source>
        <translation>%1 в «%2»</translation>
    </message>
</context><context>
    <name>RoomSettingsDialog</name>
    <message>
        <location filename="../room_dialogs.py" line="349" />
        <source>Room settings</source>
        <translation>Настройки комнаты</translation>
    </message>
    <message>
        <location filename="../room_dialogs.py" line="350" />
        <source>&amp;Name:</source>
        <translation>&amp;Название:</translation>
    </message>
    <message>
        <location filename="../room_dialogs.py" line="351" />
        <source>&amp;Topic:</source>
        <translation>&amp;Тема:</translation>
    </message>
    <message>
        <location filename="../room_dialogs.py" line="352" />
        <source>&amp;Public: anyone can find and join it</source>
        <translation>&amp;Открытая: любой может найти её и вступить</translation>
    </message>
    <message>
        <location filename="../room_dialogs.py" line="353" />
        <source>&amp;Save</source>
        <translation>&amp;Сохранить</translation>
    </message>
</context><context>
    <name>ScreenshotOverlay</name>
    <message>
        <location filename="../screenshot.py" line="107" />
        <source>Drag over the area to send. Esc cancels.</source>
        <translation>Выделите область, которую нужно отправить. Esc — отмена.</translation>
    </message>
</context><context>
    <name>SearchMode</name>
    <message>
        <location filename="../search_panel.py" line="379" />
        <source>&amp;Find in this conversation…</source>
        <translation>&amp;Найти в этой беседе…</translation>
    </message>
    <message>
        <location filename="../search_panel.py" line="380" />
        <source>Find in &amp;all conversations…</source>
        <translation>Найти во &amp;всех беседах…</translation>
    </message>
</context><context>
    <name>SearchPanel</name>
    <message>
        <location filename="../search_panel.py" line="150" />
        <source>Search messages</source>
        <translation>Поиск сообщений</translation>
    </message>
    <message>
        <location filename="../search_panel.py" line="151" />
        <source>In %1</source>
        <translation>В беседе «%1»</translation>
    </message>
    <message>
        <location filename="../search_panel.py" line="153" />
        <source>In all conversations</source>
        <translation>Во всех беседах</translation>
    </message>
    <message>
        <location filename="../search_panel.py" line="239" />
        <location filename="../search_panel.py" line="205" />
        <source>Not connected: searching needs the server.</source>
        <translation>Нет связи: для поиска нужен сервер.</translation>
    </message>
    <message>
        <location filename="../search_panel.py" line="241" />
        <source>This server cannot search messages.</source>
        <translation>Этот сервер не умеет искать сообщения.</translation>
    </message>
    <message>
        <location filename="../search_panel.py" line="243" />
        <source>Type to search. Any part of a word is found, in any case; every word you type must appear.</source>
        <translation>Начните вводить запрос. Найдётся любая часть слова в любом регистре; в сообщении должны быть все введённые слова.</translation>
    </message>
    <message numerus="yes">
        <location filename="../search_panel.py" line="246" />
        <source>Type at least %n character(s).</source>
        <translation>
            <numerusform>Введите хотя бы %n символ.</numerusform>
            <numerusform>Введите хотя бы %n символа.</numerusform>
            <numerusform>Введите хотя бы %n символов.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../search_panel.py" line="248" />
        <source>Searching…</source>
        <translation>Поиск…</translation>
    </message>
    <message>
        <location filename="../search_panel.py" line="272" />
        <location filename="../search_panel.py" line="254" />
        <source>Only the newest messages were searched: words of one or two letters are looked for among recent messages only.</source>
        <translation>Просмотрены только последние сообщения: слова из одной-двух букв ищутся лишь среди недавних.</translation>
    </message>
    <message>
        <location filename="../search_panel.py" line="264" />
        <source>No messages contain “%1”.</source>
        <translation>Ни в одном сообщении нет «%1».</translation>
    </message>
    <message>
        <location filename="../search_panel.py" line="266" />
        <source>No messages in General contain “%1”.</source>
        <translation>В общем чате нет сообщений с «%1».</translation>
    </message>
    <message>
        <location filename="../search_panel.py" line="268" />
        <source>No messages with %2 contain “%1”.</source>
        <translation>В переписке с %2 нет сообщений с «%1».</translation>
    </message>
    <message>
        <location filename="../search_panel.py" line="281" />
        <source>room %1</source>
        <translation>комната %1</translation>
    </message>
    <message>
        <location filename="../search_panel.py" line="291" />
        <source>notes to yourself</source>
        <translation>заметки для себя</translation>
    </message>
    <message>
        <location filename="../search_panel.py" line="292" />
        <source>direct message with %1</source>
        <translation>личная переписка с %1</translation>
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
        <translation>(другая версия Беседки)</translation>
    </message>
    <message>
        <location filename="../discovery.py" line="412" />
        <source>%1 at %2, port %3</source>
        <translation>%1, адрес %2, порт %3</translation>
    </message>
    <message>
        <location filename="../discovery.py" line="414" />
        <source>Besedka %1</source>
        <translation>Беседка %1</translation>
    </message>
</context><context>
    <name>SessionsDialog</name>
    <message>
        <location filename="../sessions_dialog.py" line="98" />
        <source>Sessions</source>
        <translation>Сеансы</translation>
    </message>
    <message>
        <location filename="../sessions_dialog.py" line="99" />
        <source>Where you chose “Keep me logged in”. Revoke a session you do not recognise, or of a computer you no longer use: it is logged out at once. A session unused for 90 days ends by itself.</source>
        <translation>Где вы включили «Не выходить из учётной записи». Отзовите сеанс, который вам незнаком или принадлежит компьютеру, которым вы больше не пользуетесь: из него сразу будет выполнен выход. Сеанс, не использованный 90 дней, завершается сам.</translation>
    </message>
    <message>
        <location filename="../sessions_dialog.py" line="103" />
        <source>Client</source>
        <translation>Программа</translation>
    </message>
    <message>
        <location filename="../sessions_dialog.py" line="103" />
        <source>Created</source>
        <translation>Создан</translation>
    </message>
    <message>
        <location filename="../sessions_dialog.py" line="103" />
        <source>Last used</source>
        <translation>Последний вход</translation>
    </message>
    <message>
        <location filename="../sessions_dialog.py" line="104" />
        <source>&amp;Revoke</source>
        <translation>&amp;Отозвать</translation>
    </message>
    <message>
        <location filename="../sessions_dialog.py" line="120" />
        <source>(unnamed client)</source>
        <translation>(программа без названия)</translation>
    </message>
    <message>
        <location filename="../sessions_dialog.py" line="122" />
        <source>This window: %1</source>
        <translation>Это окно: %1</translation>
    </message>
    <message>
        <location filename="../sessions_dialog.py" line="145" />
        <source>This window's own session ends with Account → Log out.</source>
        <translation>Сеанс этого окна завершается через «Учётная запись → Выйти».</translation>
    </message>
    <message>
        <location filename="../sessions_dialog.py" line="179" />
        <source>Not connected to the server. Try again when the connection is back.</source>
        <translation>Нет связи с сервером. Попробуйте снова, когда соединение восстановится.</translation>
    </message>
</context><context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../settings_dialog.py" line="147" />
        <source>Settings</source>
        <translation>Настройки</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="148" />
        <source>Notifications</source>
        <translation>Уведомления</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="149" />
        <source>&amp;Notify me of new messages</source>
        <translation>&amp;Уведомлять о новых сообщениях</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="151" />
        <source>Only of &amp;direct messages, my rooms and mentions of me</source>
        <translation>Только о &amp;личных сообщениях, моих комнатах и упоминаниях меня</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="152" />
        <source>Play a &amp;sound:</source>
        <translation>Проигрывать &amp;звук:</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="153" />
        <source>Chime</source>
        <translation>Перезвон</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="153" />
        <source>Ping</source>
        <translation>Сигнал</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="153" />
        <source>Knock</source>
        <translation>Стук</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="155" />
        <source>&amp;Play</source>
        <translation>&amp;Прослушать</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="156" />
        <source>Starting and closing</source>
        <translation>Запуск и закрытие</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="157" />
        <source>S&amp;tart Besedka when I log in to this computer</source>
        <translation>&amp;Запускать Беседку при входе в систему</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="158" />
        <source>&amp;Closing the window keeps Besedka running in the tray</source>
        <translation>При закрытии окна Беседка &amp;остаётся в области уведомлений</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="161" />
        <source>This desktop has no tray.</source>
        <translation>На этом рабочем столе нет области уведомлений.</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="162" />
        <source>Appearance</source>
        <translation>Внешний вид</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="163" />
        <source>&amp;Language:</source>
        <translation>&amp;Язык:</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="163" />
        <source>&amp;Theme:</source>
        <translation>&amp;Тема:</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="164" />
        <source>&amp;Font size:</source>
        <translation>&amp;Размер шрифта:</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="167" />
        <location filename="../settings_dialog.py" line="166" />
        <source>As the system</source>
        <translation>Как в системе</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="167" />
        <source>Light</source>
        <translation>Светлая</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="168" />
        <source>Dark</source>
        <translation>Тёмная</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="170" />
        <source>As the system (%1 pt)</source>
        <translation>Как в системе (%1 пт)</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="189" />
        <location filename="../settings_dialog.py" line="173" />
        <source>%1 pt</source>
        <translation>%1 пт</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="228" />
        <source>Starting with the system could not be changed: %1</source>
        <translation>Не удалось изменить запуск вместе с системой: %1</translation>
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
        <location filename="../texts.py" line="58" />
        <source>Username: %1 to %2 characters: letters of any alphabet, digits, and the characters “_”, “-” and “.”, beginning with a letter or a digit. Letter case does not matter when logging in.</source>
        <translation>Имя пользователя: от %1 до %2 символов — буквы любого алфавита, цифры и знаки «_», «-» и «.»; первой должна быть буква или цифра. При входе регистр букв не важен.</translation>
    </message>
    <message numerus="yes">
        <location filename="../texts.py" line="68" />
        <source>Password: at least %n character(s); any characters are allowed.</source>
        <translation>
            <numerusform>Пароль: не короче %n символа, допустимы любые символы.</numerusform>
            <numerusform>Пароль: не короче %n символов, допустимы любые символы.</numerusform>
            <numerusform>Пароль: не короче %n символов, допустимы любые символы.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../texts.py" line="111" />
        <location filename="../texts.py" line="83" />
        <source>Too short: at least %n character(s).</source>
        <translation>
            <numerusform>Слишком коротко: минимум %n символ.</numerusform>
            <numerusform>Слишком коротко: минимум %n символа.</numerusform>
            <numerusform>Слишком коротко: минимум %n символов.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../texts.py" line="164" />
        <location filename="../texts.py" line="152" />
        <location filename="../texts.py" line="113" />
        <location filename="../texts.py" line="86" />
        <source>Too long: at most %n character(s).</source>
        <translation>
            <numerusform>Слишком длинно: максимум %n символ.</numerusform>
            <numerusform>Слишком длинно: максимум %n символа.</numerusform>
            <numerusform>Слишком длинно: максимум %n символов.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../texts.py" line="94" />
        <source>Spaces are not allowed.</source>
        <translation>Пробелы не допускаются.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="97" />
        <source>An invisible character (%1) is not allowed.</source>
        <translation>Невидимый символ (%1) не допускается.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="100" />
        <source>The character “%1” is not allowed.</source>
        <translation>Символ «%1» не допускается.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="102" />
        <source>It must begin with a letter or a digit.</source>
        <translation>Первой должна быть буква или цифра.</translation>
    </message>
    <message numerus="yes">
        <location filename="../texts.py" line="124" />
        <source>The message is too long: at most %n character(s).</source>
        <translation>
            <numerusform>Сообщение слишком длинное: максимум %n символ.</numerusform>
            <numerusform>Сообщение слишком длинное: максимум %n символа.</numerusform>
            <numerusform>Сообщение слишком длинное: максимум %n символов.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../texts.py" line="128" />
        <source>The message contains characters that cannot be sent.</source>
        <translation>В сообщении есть символы, которые нельзя отправить.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="135" />
        <source>Room name: 1 to %1 characters, not only spaces; no line breaks or other control characters.</source>
        <translation>Название комнаты: от 1 до %1 символов, не одни пробелы; без переносов строк и других управляющих символов.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="150" />
        <source>Give the room a name.</source>
        <translation>Дайте комнате название.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="166" />
        <location filename="../texts.py" line="154" />
        <source>Line breaks and other control characters are not allowed.</source>
        <translation>Переносы строк и другие управляющие символы недопустимы.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="175" />
        <source>Cannot reach the server at %1. Check the address and that the server is running.</source>
        <translation>Не удаётся связаться с сервером %1. Проверьте адрес и запущен ли сервер.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="179" />
        <source>The server at %1 speaks protocol version %2, but this Besedka speaks versions 1 to %3. Update the older of the two.</source>
        <translation>Сервер %1 использует протокол версии %2, а эта Беседка — версии с 1 по %3. Обновите ту программу, что старше.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="185" />
        <source>%1 answered, but it is not a Besedka server.</source>
        <translation>%1 отвечает, но это не сервер Беседки.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="188" />
        <source>%1 accepted the connection but did not answer like a Besedka server.</source>
        <translation>%1 принял соединение, но отвечает не как сервер Беседки.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="192" />
        <source>The server at %1 accepts only encrypted (TLS) connections. Start Besedka without --no-tls.</source>
        <translation>Сервер %1 принимает только зашифрованные (TLS) подключения. Запустите Беседку без --no-tls.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="196" />
        <source>The server at %1 does not use encryption, so your password and messages could be read on the network. Ask its administrator to start it without --no-tls.</source>
        <translation>Сервер %1 не использует шифрование: ваш пароль и сообщения могли бы прочитать в сети. Попросите администратора запустить его без --no-tls.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="201" />
        <source>Could not set up an encrypted connection with %1. It may not be a Besedka server.</source>
        <translation>Не удалось установить зашифрованное соединение с %1. Возможно, это не сервер Беседки.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="209" />
        <source>Warning: the server at %1 presented another certificate than the one your administrator set up this computer to trust, so Besedka did not send your password. Someone may be impersonating the server, or its certificate was replaced. Tell the administrator this fingerprint:
%2</source>
        <translation>Внимание: сервер %1 предъявил не тот сертификат, которому этот компьютер доверяет по настройке администратора, поэтому Беседка не отправила ваш пароль. Возможно, кто-то выдаёт себя за сервер или сертификат сервера заменили. Сообщите администратору этот отпечаток:
%2</translation>
    </message>
    <message>
        <location filename="../texts.py" line="216" />
        <source>The connection to %1 was lost. Try again.</source>
        <translation>Связь с %1 прервалась. Попробуйте ещё раз.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="224" />
        <source>Warning: the server at %1 presented a different certificate than the one you trusted before, so Besedka did not send your password. Either the server was reinstalled or its certificate replaced, or someone is intercepting the connection. Ask the administrator to compare this fingerprint with the one the server logs when it starts:
%2
If they match, choose “Forget this server’s certificate” and log in again to trust the new one.</source>
        <translation>Внимание: сервер %1 предъявил не тот сертификат, которому вы доверились раньше, поэтому Беседка не отправила ваш пароль. Либо сервер переустановили или заменили его сертификат, либо кто-то перехватывает соединение. Попросите администратора сравнить этот отпечаток с тем, что сервер пишет в журнал при запуске:
%2
Если они совпадают, нажмите «Забыть сертификат этого сервера» и войдите снова, чтобы довериться новому.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="239" />
        <source>Wrong username or password.</source>
        <translation>Неверное имя пользователя или пароль.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="241" />
        <source>This username is already taken.</source>
        <translation>Это имя пользователя уже занято.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="243" />
        <source>The server does not accept this username.</source>
        <translation>Сервер не принимает такое имя пользователя.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="245" />
        <source>The server does not accept this password.</source>
        <translation>Сервер не принимает такой пароль.</translation>
    </message>
    <message numerus="yes">
        <location filename="../texts.py" line="248" />
        <source>Too many attempts. Try again in %n second(s).</source>
        <translation>
            <numerusform>Слишком много попыток. Попробуйте снова через %n секунду.</numerusform>
            <numerusform>Слишком много попыток. Попробуйте снова через %n секунды.</numerusform>
            <numerusform>Слишком много попыток. Попробуйте снова через %n секунд.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../texts.py" line="251" />
        <source>Your saved login has ended: it was revoked, it expired, or the password was changed. Log in again.</source>
        <translation>Сохранённый вход больше не действует: его отозвали, истёк его срок или сменился пароль. Войдите снова.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="255" />
        <source>There is no such user.</source>
        <translation>Такого пользователя нет.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="257" />
        <source>The message is too long.</source>
        <translation>Сообщение слишком длинное.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="259" />
        <source>The file is larger than the server allows.</source>
        <translation>Файл больше, чем разрешает сервер.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="261" />
        <source>Your files take all the space the server gives you.</source>
        <translation>Ваши файлы заняли всё место, которое вам выделил сервер.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="264" />
        <source>The file is no longer on the server.</source>
        <translation>Этого файла больше нет на сервере.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="266" />
        <source>The file changed while it was sent.</source>
        <translation>Файл изменился во время отправки.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="268" />
        <source>The file could not be read or written.</source>
        <translation>Не удалось прочитать или записать файл.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="270" />
        <source>This room does not exist or you are not one of its members.</source>
        <translation>Такой комнаты нет, или вы не её участник.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="273" />
        <source>Only the room's owner can do this, or the room is full.</source>
        <translation>Это может только владелец комнаты, или комната уже заполнена.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="276" />
        <source>The server does not accept this room name.</source>
        <translation>Сервер не принимает такое название комнаты.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="278" />
        <source>Not connected to the server. Try again when the connection is back.</source>
        <translation>Нет связи с сервером. Попробуйте снова, когда соединение восстановится.</translation>
    </message>
    <message>
        <location filename="../texts.py" line="280" />
        <source>The server could not do this (%1). Try again later.</source>
        <translation>Серверу не удалось выполнить действие (%1). Попробуйте позже.</translation>
    </message>
    <message numerus="yes">
        <location filename="../texts.py" line="289" />
        <source>%n byte(s)</source>
        <translation>
            <numerusform>%n байт</numerusform>
            <numerusform>%n байта</numerusform>
            <numerusform>%n байт</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../texts.py" line="290" />
        <source>%1 KB</source>
        <translation>%1 КБ</translation>
    </message>
    <message>
        <location filename="../texts.py" line="291" />
        <source>%1 MB</source>
        <translation>%1 МБ</translation>
    </message>
    <message>
        <location filename="../texts.py" line="292" />
        <source>%1 GB</source>
        <translation>%1 ГБ</translation>
    </message>
</context><context>
    <name>TrayPresence</name>
    <message>
        <location filename="../tray.py" line="70" />
        <source>Besedka</source>
        <translation>Беседка</translation>
    </message>
    <message>
        <location filename="../tray.py" line="71" />
        <source>&amp;Open Besedka</source>
        <translation>&amp;Открыть Беседку</translation>
    </message>
    <message>
        <location filename="../tray.py" line="72" />
        <source>&amp;Quit</source>
        <translation>&amp;Закрыть Беседку</translation>
    </message>
</context><context>
    <name>TrustDialog</name>
    <message>
        <location filename="../trust_dialog.py" line="112" />
        <source>Trust this server?</source>
        <translation>Доверять этому серверу?</translation>
    </message>
    <message>
        <location filename="../trust_dialog.py" line="113" />
        <source>This is the first connection to %1. Trust it if this fingerprint is the one its administrator sees in the server's log; Besedka will then refuse any other certificate for this server.</source>
        <translation>Это первое подключение к %1. Доверяйте ему, только если этот отпечаток совпадает с тем, что администратор видит в журнале сервера; после этого Беседка будет отвергать любой другой сертификат этого сервера.</translation>
    </message>
    <message>
        <location filename="../trust_dialog.py" line="117" />
        <source>&amp;Trust and connect</source>
        <translation>&amp;Доверять и подключиться</translation>
    </message>
    <message>
        <location filename="../trust_dialog.py" line="119" />
        <source>This fingerprint matches the fingerprint this server announces on the network. Anyone on the network can announce a server, so this proves nothing: compare it with the administrator's all the same.</source>
        <translation>Этот отпечаток совпадает с тем, который сервер объявляет в сети. Объявить сервер в сети может кто угодно, так что это ничего не доказывает: всё равно сверьте отпечаток с тем, что у администратора.</translation>
    </message>
    <message>
        <location filename="../trust_dialog.py" line="124" />
        <source>Warning: a server announced on this network at this address gives another fingerprint. Someone may be impersonating the server. Trust it only if the administrator confirms this fingerprint.</source>
        <translation>Внимание: сервер, объявленный в этой сети по этому адресу, сообщает другой отпечаток. Возможно, кто-то выдаёт себя за сервер. Доверяйте, только если администратор подтвердит этот отпечаток.</translation>
    </message>
</context><context>
    <name>Typing</name>
    <message>
        <location filename="../typing_indicator.py" line="53" />
        <source>%1 is typing…</source>
        <translation>%1 печатает…</translation>
    </message>
    <message>
        <location filename="../typing_indicator.py" line="56" />
        <source>%1 and %2 are typing…</source>
        <translation>%1 и %2 печатают…</translation>
    </message>
    <message>
        <location filename="../typing_indicator.py" line="58" />
        <source>Several people are typing…</source>
        <translation>Печатают несколько человек…</translation>
    </message>
</context><context>
    <name>UserPicker</name>
    <message>
        <location filename="../room_dialogs.py" line="73" />
        <source>Filter people</source>
        <translation>Найти человека</translation>
    </message>
</context></TS>
