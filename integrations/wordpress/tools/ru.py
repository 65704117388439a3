"""Writes languages/loginbycall.pot from the plugin's PHP and the block's editor script (xgettext with
WordPress's keywords) and the block's block.json (title, description, keywords, with WordPress's
contexts), then languages/loginbycall-ru_RU.po from it and the Russian texts below (the Django app's
wording where the sentence is the same), the .mo with msgfmt, and the editor script's translations
as WordPress's JSON (loginbycall-ru_RU-MD5.json, MD5 being that of the script's path in the plugin).
Fails when a text has no Russian.

    python3 integrations/wordpress/tools/ru.py
"""
import hashlib
import json
import pathlib
import re
import subprocess

HERE = pathlib.Path(__file__).resolve().parent.parent / "loginbycall" / "languages"

RU = {
    "LoginByCall": "LoginByCall",
    "Settings": "Настройки",
    "Login by phone call is off.": "Вход по звонку выключен.",
    "The password login works as before.": "Вход по паролю работает как прежде.",
    "Sorry, you are not allowed to manage options for this site.": "Извините, вам не разрешено управлять настройками этого сайта.",
    "Login by phone call": "Вход по звонку",
    "Phone-call login": "Вход по звонку",
    "Offer \"Log in by phone call\" beside the password form": "Предлагать «Войти по звонку» рядом с формой пароля",
    "call-api-id": "call-api-id",
    "(set in wp-config.php)": "(задан в wp-config.php)",
    "api key": "api key",
    "The secret key the service mailed you.": "Секретный ключ, который сервис прислал вам по почте.",
    "Stored; never shown. Leave empty to keep it.": "Сохранён и никогда не показывается. Оставьте поле пустым, чтобы не менять его.",
    "Or define LOGINBYCALL_CALL_API_ID and LOGINBYCALL_API_KEY in wp-config.php, which keeps the key out of the database.": "Или задайте LOGINBYCALL_CALL_API_ID и LOGINBYCALL_API_KEY в wp-config.php, тогда ключа не будет в базе данных.",
    "Sandbox": "Песочница",
    "Use the sandbox instead of the service (no real calls, no charges)": "Работать с песочницей вместо сервиса (без настоящих звонков и без оплаты)",
    "Start it with \"lbc sandbox --listen 127.0.0.1:8080 --account demo-id:demo-key\" and enter its base_url here, and its account as the call-api-id and api key. The code page then shows the virtual phone.": "Запустите её командой «lbc sandbox --listen 127.0.0.1:8080 --account demo-id:demo-key», введите здесь её base_url, а её учётную запись — как call-api-id и api key. Тогда страница кода покажет виртуальный телефон.",
    "Sign-up": "Регистрация",
    "A new number creates an account when anyone can register (Settings → General), with the default role": "Новый номер создаёт учётную запись с ролью по умолчанию, если регистрация открыта (Настройки → Общие)",
    "Store": "Хранилище",
    "Where attempts and the call limits are counted. Empty: a SQLite file in the uploads folder, closed to the web. Several servers: redis://host:6379/0.": "Где считаются попытки и лимиты звонков. Пусто: файл SQLite в папке загрузок, закрытый для веба. Несколько серверов: redis://host:6379/0.",
    "Call limits": "Лимиты звонков",
    "Calls to one number per hour": "Звонков на один номер в час",
    "Calls for one visitor (IP address) per hour": "Звонков для одного посетителя (IP-адреса) в час",
    "Calls to one number range per hour": "Звонков на один диапазон номеров в час",
    "Calls in all per hour": "Всего звонков в час",
    "Attempts at the digits per call": "Попыток ввести цифры на один звонок",
    "Countries calls may go to": "Страны, куда можно звонить",
    "0 or empty: the library's defaults (5 calls to a number, 20 per visitor, 30 per range, 1000 in all per hour; Russia only). Premium-rate and other costly number types are always refused.": "0 или пусто: значения библиотеки по умолчанию (5 звонков на номер, 20 на посетителя, 30 на диапазон, 1000 всего в час; только Россия). Платные и другие дорогие типы номеров отклоняются всегда.",
    "Save settings": "Сохранить настройки",
    "Test the connection": "Проверить подключение",
    "Asks the service for its status, the account's status and the balance with the saved settings. No call is placed.": "Запрашивает у сервиса его состояние, состояние учётной записи и баланс с сохранёнными настройками. Звонков не делает.",
    "Settings saved.": "Настройки сохранены.",
    "The value of \"%s\" was not valid and was not saved.": "Значение «%s» неверно и не сохранено.",
    "Server status: working, calls are placed.": "Состояние сервера: работает, звонки идут.",
    "Server status: %d, calls are not placed now.": "Состояние сервера: %d, звонки сейчас не идут.",
    "Account: activated %1$s, blocked %2$s.": "Учётная запись: активирована — %1$s, заблокирована — %2$s.",
    "yes": "да",
    "no": "нет",
    "Balance: %s credits.": "Баланс: %s кредитов.",
    "The service answered with an error: %s": "Сервис ответил ошибкой: %s",
    "You are logged in.": "Вы вошли.",
    "Log in by phone call": "Войти по звонку",
    "We will call your phone from a random number. You do not need to answer: the last digits of that number are your code.": "Мы позвоним вам со случайного номера. Отвечать не нужно: последние цифры этого номера — ваш код.",
    "Phone number": "Номер телефона",
    "Call me": "Позвоните мне",
    "or": "или",
    "Sign up by phone call": "Зарегистрироваться по звонку",
    "Type the last %d digit of the number that called you.": ["Введите последнюю %d цифру номера, с которого вам звонили.", "Введите последние %d цифры номера, с которого вам звонили.", "Введите последние %d цифр номера, с которого вам звонили."],
    "No attempt is left for this call. Ask for a new call.": "Попытки для этого звонка закончились. Закажите новый звонок.",
    "We could not check the code just now. Please try again in a minute.": "Сейчас не удалось проверить код. Попробуйте снова через минуту.",
    "The code has expired. Ask for a new call.": "Срок действия кода истёк. Закажите новый звонок.",
    "Calls to this number are not possible. Log in another way.": "Звонки на этот номер невозможны. Войдите другим способом.",
    "A call to this number was placed a moment ago.": "На этот номер только что звонили.",
    "Enter a valid phone number, e.g. +7 925 688-06-36.": "Введите правильный номер телефона, например +7 925 688-06-36.",
    "We could not place the call. Please try again in a minute, or log in another way.": "Не удалось позвонить. Попробуйте через минуту или войдите другим способом.",
    "This number is linked to another account.": "Этот номер привязан к другой учётной записи.",
    "The number %s is not linked to any account. Log in another way and add it to your account.": "Номер %s не привязан ни к одной учётной записи. Войдите другим способом и добавьте его в свою учётную запись.",
    "We could not create your account. Please try again later.": "Не удалось создать учётную запись. Попробуйте позже.",
    "This account cannot log in.": "Эта учётная запись не может войти.",
    "Line busy": "Линия занята",
    "No call came through": "Звонок не прошёл",
    "No call yet": "Звонка пока нет",
    "Incoming call": "Входящий звонок",
    "Missed call": "Пропущенный звонок",
    "The page has expired. Please try again.": "Срок действия страницы истёк. Попробуйте ещё раз.",
    "Add a phone number": "Добавить номер телефона",
    "Waiting for a call": "Ожидаем звонок",
    "Phone numbers for logging in by phone call": "Номера телефонов для входа по звонку",
    "The number is confirmed and linked to your account.": "Номер подтверждён и привязан к вашей учётной записи.",
    "The number is removed from your account.": "Номер удалён из вашей учётной записи.",
    "Numbers": "Номера",
    "No number yet.": "Номеров пока нет.",
    "Remove (we call it to confirm)": "Удалить (подтвердим звонком)",
    "Remove": "Удалить",
    "We call the number; you type the last digits of the calling number. To change a number, add the new one and remove the old one.": "Мы звоним на номер, вы вводите последние цифры номера, с которого звонят. Чтобы сменить номер, добавьте новый и удалите старый.",
    "PHP's FFI extension is not loaded. Install or enable it for the PHP that runs this site (on Debian and Ubuntu it is part of php-cli and php-fpm; elsewhere the package php-ffi or --with-ffi), then restart PHP-FPM or the web server.": "Расширение PHP FFI не загружено. Установите или включите его для PHP, на котором работает сайт (в Debian и Ubuntu оно входит в php-cli и php-fpm; в других системах — пакет php-ffi или --with-ffi), затем перезапустите PHP-FPM или веб-сервер.",
    "PHP allows FFI only in preloaded code here (ffi.enable = %1$s). Set \"ffi.enable = 1\" in the php.ini of PHP-FPM (e.g. %2$s), or preload the package as its README shows (ffi.preload and opcache.preload), then restart PHP-FPM.": "PHP разрешает здесь FFI только в предзагруженном коде (ffi.enable = %1$s). Задайте «ffi.enable = 1» в php.ini для PHP-FPM (например, %2$s) или предзагрузите пакет, как показано в его README (ffi.preload и opcache.preload), затем перезапустите PHP-FPM.",
    "The LoginByCall PHP package is missing: %s does not exist. Install the plugin from the SDK's loginbycall-wordpress zip or with its integrations/wordpress/build.sh (both put the package in vendor/loginbycall/), or define LOGINBYCALL_PHP_PACKAGE in wp-config.php as the path of its autoload.php.": "Нет PHP-пакета LoginByCall: файла %s не существует. Установите плагин из архива loginbycall-wordpress из SDK или с помощью его integrations/wordpress/build.sh (оба кладут пакет в vendor/loginbycall/) или задайте в wp-config.php LOGINBYCALL_PHP_PACKAGE — путь к его autoload.php.",
    "LoginByCall has no credentials yet: enter the call-api-id and the api key on Settings → LoginByCall (or define LOGINBYCALL_CALL_API_ID and LOGINBYCALL_API_KEY in wp-config.php).": "У LoginByCall ещё нет учётных данных: введите call-api-id и api key в Настройки → LoginByCall (или задайте LOGINBYCALL_CALL_API_ID и LOGINBYCALL_API_KEY в wp-config.php).",
    "The LoginByCall PHP package does not run on PHP %1$s (%2$s). Install a version of the package for this PHP, or run the site on a newer PHP.": "PHP-пакет LoginByCall не работает на PHP %1$s (%2$s). Установите версию пакета для этого PHP или переведите сайт на более новый PHP.",
    "libloginbycall was not found or could not be loaded: %s. Install it (make install PREFIX=/usr/local && ldconfig) or define LOGINBYCALL_LIB in wp-config.php as the path of libloginbycall.so.": "Библиотека libloginbycall не найдена или не загружается: %s. Установите её (make install PREFIX=/usr/local && ldconfig) или задайте в wp-config.php LOGINBYCALL_LIB — путь к libloginbycall.so.",
    "LoginByCall could not start: %s": "LoginByCall не удалось запустить: %s",
    "Placing the call…": "Звоним…",
    "Your phone is ringing: look at the number that is calling.": "Ваш телефон звонит: посмотрите на номер, с которого звонят.",
    "The call came through. Type the last %d digit of the number that called.": ["Звонок прошёл. Введите последнюю %d цифру номера, с которого звонили.", "Звонок прошёл. Введите последние %d цифры номера, с которого звонили.", "Звонок прошёл. Введите последние %d цифр номера, с которого звонили."],
    "Your line was busy, so the call did not come through. Ask for a new call.": "Ваша линия была занята, звонок не прошёл. Закажите новый звонок.",
    "The call was not answered. If you saw the number, type its last digits; otherwise ask for a new call.": "Звонок остался без ответа. Если вы видели номер, введите его последние цифры; если нет — закажите новый звонок.",
    "The call could not be made. Ask for a new call.": "Не удалось позвонить. Закажите новый звонок.",
    "Checking the call…": "Проверяем звонок…",
    "The call has ended. If you saw the number, type its last digits.": "Звонок завершён. Если вы видели номер, введите его последние цифры.",
    "%d minute": ["%d минуту", "%d минуты", "%d минут"],
    "%d second": ["%d секунду", "%d секунды", "%d секунд"],
    "Wrong digits, and no attempt is left. Ask for a new call.": "Неверные цифры, и попыток больше нет. Закажите новый звонок.",
    "Wrong digits. %d attempt left.": ["Неверные цифры. Осталась %d попытка.", "Неверные цифры. Осталось %d попытки.", "Неверные цифры. Осталось %d попыток."],
    "Too many calls. Try again in %s.": "Слишком много звонков. Попробуйте снова через %s.",
    "in %s s": "через %s с",
    "Login by phone call is not available right now. Please use another way to log in.": "Вход по звонку сейчас недоступен. Пожалуйста, войдите другим способом.",
    "Confirm the number": "Подтвердите номер",
    "Waiting for a call from": "Ожидаем звонок с номера",
    "%d digit": ["%d цифра", "%d цифры", "%d цифр"],
    "Virtual phone": "Виртуальный телефон",
    "Virtual phone (sandbox): no real call is placed. The code is the highlighted end of the number.": "Виртуальный телефон (песочница): настоящего звонка нет. Код — выделенные последние цифры номера.",
    "The last %d digit of the calling number": ["Последняя %d цифра номера, с которого звонят", "Последние %d цифры номера, с которого звонят", "Последние %d цифр номера, с которого звонят"],
    "Confirm": "Подтвердить",
    "Log in": "Войти",
    "No call?": "Не было звонка?",
    "Call me again": "Позвонить ещё раз",
    "Calling…": "Звоним…",
    "Checking…": "Проверяем…",
    "Use another number": "Другой номер",
    "Log in another way": "Войти другим способом",
    "Refresh the call's status": "Обновить состояние звонка",
    "We could not tell whether the call was placed": "Мы не знаем, состоялся ли звонок",
    "The service did not answer in time, so your phone may still ring. If it does, you do not need to answer, but no code can be checked for that call. Wait a minute before asking for a new call, so that you are not called twice.": "Сервис не ответил вовремя, поэтому ваш телефон ещё может зазвонить. Отвечать не нужно, но код этого звонка проверить нельзя. Подождите минуту, прежде чем заказать новый звонок, чтобы вам не позвонили дважды.",
    "Remove a phone number": "Удалить номер телефона",
    "Back to your profile": "Вернуться в профиль",
    "After logging in": "После входа",
    "The phone form of LoginByCall: the visitor types a number, gets a call and types the last digits of the calling number.": "Форма входа по звонку LoginByCall: посетитель вводит номер, получает звонок и вводит последние цифры номера, с которого звонили.",
    "login": "вход",
    "phone": "телефон",
    "call": "звонок",
    "Confirm your login by a call": "Подтвердите вход звонком",
    "This account logs in with its password first, then a phone call. Log in with the password.": "Эта учётная запись входит сначала по паролю, затем по звонку. Войдите с паролем.",
    "A phone-call login failed:": "Вход по звонку не удался:",
    "at %1$s the service could not place the call (%2$s). Visitors were asked to try again later. \"Test the connection\" on Settings → LoginByCall clears this notice.": "%1$s сервис не смог позвонить (%2$s). Посетителям предложено попробовать позже. Кнопка «Проверить подключение» в Настройки → LoginByCall убирает это уведомление.",
    "This account logs in with a phone call after the password; XML-RPC cannot do that. Use an application password.": "Эта учётная запись входит со звонком после пароля; через XML-RPC это невозможно. Используйте пароль приложения.",
    "A new account": "Новая учётная запись",
    "Registers this site's domain with the service (or issues new keys for it: the balance is kept). The service mails the api key to the address below; this site then publishes the new call-api-id at a verification address until the key is confirmed.": "Регистрирует домен сайта в сервисе (или выпускает для него новые ключи, баланс сохраняется). Сервис пришлёт api key на адрес ниже; до подтверждения ключа сайт публикует новый call-api-id по проверочному адресу.",
    "Administrator's e-mail": "E-mail администратора",
    "Administrator's phone (optional)": "Телефон администратора (необязательно)",
    "Register": "Зарегистрировать",
    "Registered: the new call-api-id is %1$s, published at %2$s. Enter the api key the service mailed you to confirm it; the keys in use until then keep working.": "Зарегистрировано: новый call-api-id — %1$s, он опубликован по адресу %2$s. Введите api key из письма сервиса, чтобы подтвердить его; до тех пор работают прежние ключи.",
    "The mailed api key": "api key из письма",
    "Confirm the keys": "Подтвердить ключи",
    "Cancel": "Отменить",
    "Registered. The service mailed the api key to %s: enter it below to confirm the new keys.": "Зарегистрировано. Сервис отправил api key на %s: введите его ниже, чтобы подтвердить новые ключи.",
    "The registration is cancelled.": "Регистрация отменена.",
    "The new keys are confirmed and saved; the older keys of the account no longer work.": "Новые ключи подтверждены и сохранены; прежние ключи учётной записи больше не работают.",
    "wp-config.php still sets the credentials: replace them there with the new call-api-id and api key.": "Учётные данные по-прежнему заданы в wp-config.php: замените их там новыми call-api-id и api key.",
    "Two-factor": "Двухфакторный вход",
    "Users with these roles who have a number get a phone call after the password, and are logged in only with its digits.": "Пользователям с этими ролями, у которых есть номер, после пароля звонят, и войти можно только с цифрами этого звонка.",
    "Go to (a URL on this site; empty: this page)": "Перейти по адресу (на этом сайте; пусто — эта страница)",
}

HEADER = r'''# Russian texts of the LoginByCall WordPress plugin.
# This file is distributed under the same license as the plugin (MIT OR Apache-2.0).
msgid ""
msgstr ""
"Project-Id-Version: loginbycall 0.1.0\n"
"PO-Revision-Date: 2026-12-04 00:00+0000\n"
"Last-Translator: LoginByCall SDK\n"
"Language-Team: Russian\n"
"Language: ru_RU\n"
"MIME-Version: 1.0\n"
"Content-Type: text/plain; charset=UTF-8\n"
"Content-Transfer-Encoding: 8bit\n"
"Plural-Forms: nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);\n"
'''

PLURAL_FORMS = "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);"


def esc(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


KEYWORDS = ["__", "_e", "esc_html__", "esc_html_e", "esc_attr__", "esc_attr_e", "_n:1,2", "_x:1,2c"]


#: The editor scripts, whose strings WordPress gives them as JSON (wp_set_script_translations).
SCRIPTS = ["blocks/login/editor.js"]

#: block.json's translatable fields and the contexts WordPress translates them with.
BLOCK_FIELDS = {"title": "block title", "description": "block description", "keywords": "block keyword"}


def block_entries(plugin: pathlib.Path) -> str:
    """block.json's strings as .pot entries with WordPress's contexts."""
    out = []
    for path in sorted(plugin.rglob("block.json")):
        block = json.loads(path.read_text(encoding="utf-8"))
        for field, context in BLOCK_FIELDS.items():
            values = block.get(field, [])
            for value in values if isinstance(values, list) else [values]:
                out.append('#: %s\nmsgctxt "%s"\nmsgid "%s"\nmsgstr ""\n'
                           % (path.relative_to(plugin), context, esc(value)))
    return "\n".join(out)


def write_pot() -> None:
    plugin = HERE.parent
    sources = sorted(str(p.relative_to(plugin)) for p in plugin.rglob("*.php") if "vendor" not in p.parts)
    common = ["xgettext", "--from-code=UTF-8", "--add-comments=translators", "--package-name=loginbycall",
              "--package-version=0.1.0", "--msgid-bugs-address=https://github.com/", "-o", "languages/loginbycall.pot"]
    subprocess.run(common + ["--language=PHP"] + ["--keyword=" + k for k in KEYWORDS] + sources,
                   check=True, cwd=plugin)
    subprocess.run(common + ["--join-existing", "--language=JavaScript"] + ["--keyword=" + k for k in KEYWORDS]
                   + SCRIPTS, check=True, cwd=plugin)
    pot = HERE / "loginbycall.pot"
    pot.write_text(pot.read_text(encoding="utf-8") + "\n" + block_entries(plugin), encoding="utf-8")


def write_script_json(po_entries: dict[str, str]) -> None:
    """Each editor script's strings in Russian, as WordPress's load_script_textdomain() reads them."""
    plugin = HERE.parent
    for old in HERE.glob("loginbycall-ru_RU-*.json"):
        old.unlink()
    for script in SCRIPTS:
        found = subprocess.run(
            ["xgettext", "--language=JavaScript", "--from-code=UTF-8", "-o", "-"]
            + ["--keyword=" + k for k in KEYWORDS] + [script],
            check=True, cwd=plugin, capture_output=True, text=True,
        ).stdout
        messages: dict[str, object] = {
            "": {"domain": "messages", "lang": "ru_RU", "plural-forms": PLURAL_FORMS}
        }
        for msgid in re.findall(r'^msgid "(.+)"$', found, re.M):
            key = msgid.replace('\\"', '"').replace("\\\\", "\\")
            messages[key] = [po_entries[key]]
        data = {"translation-revision-date": "2026-12-04 00:00+0000", "generator": "tools/ru.py",
                "domain": "messages", "locale_data": {"messages": messages}}
        name = "loginbycall-ru_RU-%s.json" % hashlib.md5(script.encode()).hexdigest()
        (HERE / name).write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def main() -> None:
    write_pot()
    pot = subprocess.run(
        ["msgcat", "--no-wrap", str(HERE / "loginbycall.pot")], check=True, capture_output=True, text=True
    ).stdout
    entries = re.findall(r'((?:#.*\n)*)(?:msgctxt "(.*)"\n)?msgid "(.*)"\n(?:msgid_plural "(.*)"\n)?', pot)
    out = [HEADER]
    missing = []
    singular: dict[str, str] = {}
    for comments, context, msgid, plural in entries:
        if msgid == "":
            continue
        key = msgid.replace('\\"', '"').replace("\\\\", "\\")
        text = RU.get(key)
        if text is None:
            missing.append(key)
            continue
        out.append("")
        out.extend(line for line in comments.splitlines() if line.startswith("#."))
        if context:
            out.append('msgctxt "%s"' % context)
        out.append('msgid "%s"' % msgid)
        if plural:
            out.append('msgid_plural "%s"' % plural)
            forms = text if isinstance(text, list) else [text] * 3
            for i, form in enumerate(forms):
                out.append('msgstr[%d] "%s"' % (i, esc(form)))
        else:
            out.append('msgstr "%s"' % esc(text))
            singular[key] = text
    if missing:
        raise SystemExit("no Russian for: " + "; ".join(missing))
    po = HERE / "loginbycall-ru_RU.po"
    po.write_text("\n".join(out) + "\n", encoding="utf-8")
    subprocess.run(["msgfmt", "--check", "-o", str(HERE / "loginbycall-ru_RU.mo"), str(po)], check=True)
    write_script_json(singular)


if __name__ == "__main__":
    main()
