#!/usr/bin/env python3
"""The C header and the C++ wrapper spell every name of the SDK's vocabulary as the core does.

Usage: check-vocabulary.py VOCABULARY_JSON C_HEADER HPP [LIBRARY]

vocabulary.json (the repository root; written by lbc-core's test tests/vocabulary.rs) lists the
names every language shares, in snake_case. This check fails when one is missing or spelled
differently, or when an old (deprecated) name is still there:

  C   (include/loginbycall.h)   type T is `lbc_<snake(T)>`; member m of T is the function
                                `lbc_<snake(T)>_<m>`; option o is `lbc_config_set_<o>` (`_ms` for
                                durations); function f is `lbc_<f>`; enum values are the constants
                                `LBC_<ENUM>_<VALUE>` or, for names given as strings, quoted
                                ("dns") in the documentation of the function that returns them.
  C++ (include/loginbycall.hpp) type T is `lbc::T`; member m a method (or field) `m` of it;
                                option o a method `o(` of lbc::Config; function f `lbc::f`.
  Deprecated names: absent from C (removed); in C++ only as a [[deprecated]] alias.

With LIBRARY (the built libloginbycall.so) it also asks the library, through ctypes, for the name of
every status (lbc_status_name): they must be the vocabulary's ErrorKind names, all of them.

Where C or C++ cannot have a name as the rule spells it, EXCEPTIONS below says why; keep it short.
Prints what it checked; exits 1 on any failure.
"""
import ctypes
import json
import re
import sys

# (language, "Type.member" or "options.name" or "types.Type" or "functions.name") -> the spelling
# used instead (None: the name has no place there) and why.
EXCEPTIONS = {
    ("c", "types.LoginPolicy"): (
        None, "C passes the policy as the two arguments of lbc_config_set_login_policy"),
    ("c", "Client.normalize_phone"): (
        "lbc_normalize_phone", "one way in C: the root function, which takes the region"),
    ("c", "Error.kind"): (
        "lbc_error_status", "C reads the kind as its status number; lbc_status_name names it"),
    ("c", "GuardRefused.reason"): (
        "lbc_error_guard_reason",
        "a guard refusal is an lbc_error in C, and lbc_error_reason is the service's reason text"),
    ("c", "GuardRefused.retry_after"): (
        "lbc_error_retry_after", "a guard refusal is an lbc_error in C"),
    ("c", "options.old_state_keys"): (
        "lbc_config_add_old_state_key", "C takes a list of byte strings one key per call"),
    ("cpp", "options.old_state_keys"): (
        "old_state_key", "C++ follows C: one older key per call"),
    ("cpp", "types.LoginPolicy"): (
        None, "C++ passes the policy as the two arguments of lbc::Config::login_policy"),
    ("cpp", "types.Verdict"): (
        "CheckResult", "C++ reads the C enum lbc_verdict, in lbc::CheckResult with attempts_left"),
    ("cpp", "Client.register"): ("register_domain", "`register` is a C++ keyword"),
    ("cpp", "GuardRefused.reason"): (
        "guard_reason", "one lbc::Error class in C++, whose reason() is the service's reason text"),
}

# Durations are milliseconds in C, named with `_ms` (lbc_config_set_timeout_ms).
DURATIONS = {"timeout", "connect_timeout", "deadline", "retry_base_delay"}
# Options set together, as the named arguments of one C function / C++ method.
POLICY = {"max_attempts", "ttl"}
# The type whose functions a member of these vocabulary types is, in C and C++.
AS_ERROR = {"Error": "error", "GuardRefused": "error"}
# Enums whose values C spells as constants; the others are strings, quoted in the documentation
# of the function named here.
CONSTANT_ENUMS = {"SignaturePlacement": "LBC_SIGNATURE_PLACEMENT_", "Verdict": "LBC_VERDICT_",
                  "ErrorKind": "LBC_"}
STRING_ENUMS = {"Encoding": "lbc_config_set_encoding", "TransportKind": "lbc_error_transport_kind",
                "GuardReason": "lbc_error_guard_reason",
                "NumberType": "lbc_config_set_guard"}

failures = []
checked = 0


def check(ok, what):
    global checked
    checked += 1
    if not ok:
        failures.append(what)


def snake(name):
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def without_comments(text):
    return re.sub(r"//[^\n]*|/\*.*?\*/", " ", text, flags=re.S)


def doc_of(header, function):
    """The documentation comment right before `function`'s declaration."""
    match = re.search(r"/\*\*((?:(?!\*/).)*)\*/\s*[^;{]*?\b" + re.escape(function) + r"\(",
                      header, flags=re.S)
    return match.group(1) if match else ""


def params_of(code, function):
    """The parameter names of a declaration or definition of `function`."""
    match = re.search(r"\b" + re.escape(function) + r"\s*\(([^)]*)\)", code)
    if not match:
        return []
    return [re.findall(r"\w+", p)[-1] for p in match.group(1).split(",") if re.findall(r"\w+", p)]


def exception(lang, key):
    return EXCEPTIONS.get((lang, key))


def check_c(vocab, header):
    code = without_comments(header)
    functions = set(re.findall(r"\b(lbc_\w+)\s*\(", code))
    identifiers = set(re.findall(r"\b\w+\b", code))
    for t in vocab["types"]:
        ex = exception("c", "types." + t)
        if ex and ex[0] is None:
            continue
        name = "lbc_" + snake(t)
        check(re.search(r"\b(struct|enum)\s+" + name + r"\b", code) is not None,
              "C: no type %s for %s" % (name, t))
    for t, members in vocab["members"].items():
        prefix = "lbc_%s_" % AS_ERROR.get(t, snake(t))
        for m in members:
            ex = exception("c", "%s.%s" % (t, m))
            if t == "LoginPolicy":
                check(m in params_of(code, "lbc_config_set_login_policy"),
                      "C: lbc_config_set_login_policy has no argument %s" % m)
                continue
            name = ex[0] if ex else prefix + m
            check(name in functions, "C: no function %s for %s.%s" % (name, t, m))
    for option in vocab["options"]:
        if option in POLICY:
            check(option in params_of(code, "lbc_config_set_login_policy"),
                  "C: lbc_config_set_login_policy has no argument %s" % option)
            continue
        ex = exception("c", "options.%s" % option)
        name = ex[0] if ex else "lbc_config_set_" + option + ("_ms" if option in DURATIONS else "")
        check(name in functions, "C: no setter %s for the option %s" % (name, option))
    for f in vocab["functions"]:
        check("lbc_" + f in functions, "C: no function lbc_%s" % f)
    for enum, values in vocab["enums"].items():
        if enum in CONSTANT_ENUMS:
            for value in values:
                constant = CONSTANT_ENUMS[enum] + value.upper()
                check(constant in identifiers, "C: no constant %s for %s %s" % (constant, enum, value))
        elif enum in STRING_ENUMS:
            doc = doc_of(header, STRING_ENUMS[enum])
            for value in values:
                base = value.split("+")[0]
                check('"%s"' % base in doc, "C: %s's documentation does not name the %s %r"
                      % (STRING_ENUMS[enum], enum, value))
        else:
            check(False, "C: the enum %s is new: say here how C spells it" % enum)
    for old, new in vocab.get("deprecated", {}).items():
        context, _, name = old.rpartition(".")
        banned = set()
        if not context:  # a type
            check(re.search(r"\b(struct|enum)\s+lbc_%s\b" % snake(old), code) is None,
                  "C: the old type name %s (now %s) is still there" % (old, new))
            banned.add(old)
        elif context == "options":
            banned |= {"lbc_config_set_" + name, "lbc_config_set_%s_ms" % name}
        elif context in vocab["enums"]:
            if context in CONSTANT_ENUMS:
                banned.add(CONSTANT_ENUMS[context] + name.upper())
            check('"%s"' % name not in header,
                  "C: the old name %s (now %s) is still quoted" % (old, new))
        else:
            banned.add("lbc_%s_%s" % (AS_ERROR.get(context, snake(context)), name))
        if "_" in name:  # a distinctive name: not even as an argument's name
            banned.add(name)
        for ident in sorted(banned & identifiers):
            check(False, "C: the old name %s (now %s) is still there: %s" % (old, new, ident))


def cpp_class_body(code, name):
    """The text of `class name { ... };` or `struct name { ... };`, braces matched."""
    match = re.search(r"\b(class|struct)\s+" + name + r"\b[^;{]*\{", code)
    if not match:
        return None
    depth, i = 1, match.end()
    while depth and i < len(code):
        depth += {"{": 1, "}": -1}.get(code[i], 0)
        i += 1
    return code[match.end():i]


def check_cpp(vocab, hpp):
    code = without_comments(hpp)
    namespace = code[code.find("namespace lbc"):]
    for t in vocab["types"]:
        ex = exception("cpp", "types." + t)
        if ex and ex[0] is None:
            continue
        name = ex[0] if ex else t
        check(cpp_class_body(namespace, name) is not None, "C++: no lbc::%s for %s" % (name, t))
    for t, members in vocab["members"].items():
        if t == "LoginPolicy":
            for m in members:
                check(m in params_of(cpp_class_body(namespace, "Config") or "", "login_policy"),
                      "C++: lbc::Config::login_policy has no argument %s" % m)
            continue
        body = cpp_class_body(namespace, AS_ERROR.get(t, t).capitalize() if t in AS_ERROR else t)
        if body is None:
            check(False, "C++: no class for %s" % t)
            continue
        for m in members:
            ex = exception("cpp", "%s.%s" % (t, m))
            name = ex[0] if ex else m
            check(re.search(r"\b%s\s*\(" % name, body) or re.search(r"\b%s\s*[;=]" % name, body),
                  "C++: lbc::%s has no %s" % (t, name))
    config = cpp_class_body(namespace, "Config") or ""
    for option in vocab["options"]:
        if option in POLICY:
            check(option in params_of(config, "login_policy"),
                  "C++: lbc::Config::login_policy has no argument %s" % option)
        else:
            ex = exception("cpp", "options.%s" % option)
            name = ex[0] if ex else option
            check(re.search(r"Config\s*&\s*%s\s*\(" % name, config) is not None,
                  "C++: lbc::Config has no setter %s" % name)
    for f in vocab["functions"]:
        check(re.search(r"\binline\s+[\w:<>]+\s+%s\s*\(" % f, namespace) is not None,
              "C++: no function lbc::%s" % f)
    for old, new in vocab.get("deprecated", {}).items():
        name = old.split(".")[-1]
        for match in re.finditer(r"\b%s\s*\(" % re.escape(name), code):
            before = code[max(0, match.start() - 200):match.start()]
            check("[[deprecated" in before.split(";")[-1].split("}")[-1],
                  "C++: the old name %s (now %s) is there without [[deprecated]]" % (old, new))


def check_library(vocab, library):
    lib = ctypes.CDLL(library)
    lib.lbc_status_name.argtypes = [ctypes.c_int32]
    lib.lbc_status_name.restype = ctypes.c_void_p
    lib.lbc_string_free.argtypes = [ctypes.c_void_p]
    names = set()
    for status in range(0, 256):
        pointer = lib.lbc_status_name(status)
        if pointer:
            names.add(ctypes.string_at(pointer).decode())
            lib.lbc_string_free(pointer)
    kinds = set(vocab["enums"]["ErrorKind"])
    check(names == kinds, "the library names the kinds %s, the vocabulary %s"
          % (sorted(names), sorted(kinds)))


def main():
    if len(sys.argv) not in (4, 5):
        sys.exit(__doc__)
    with open(sys.argv[1], encoding="utf-8") as f:
        vocab = json.load(f)
    if vocab.get("version") != 1:
        sys.exit("check-vocabulary: %s: unknown version %r" % (sys.argv[1], vocab.get("version")))
    with open(sys.argv[2], encoding="utf-8") as f:
        check_c(vocab, f.read())
    with open(sys.argv[3], encoding="utf-8") as f:
        check_cpp(vocab, f.read())
    if len(sys.argv) == 5:
        check_library(vocab, sys.argv[4])
    for failure in failures:
        print("FAILED:", failure)
    print("vocabulary: %d names checked in C and C++, %d wrong; %d exceptions, each with a reason"
          % (checked, len(failures), len(EXCEPTIONS)))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
