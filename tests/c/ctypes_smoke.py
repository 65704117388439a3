#!/usr/bin/env python3
"""Python's ctypes uses libloginbycall as it is: pointers and scalars only.

Usage: ctypes_smoke.py LIBRARY SIGNATURES_JSON
Signs the first vector with an lbc_signer, reads an error through its getters (and names its
status with lbc_status_name), normalises a phone number, frees everything the library returned.
lbc_status is an int32_t in the header: ctypes.c_int32.
"""
import ctypes
import json
import sys


class Param(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("value", ctypes.c_char_p)]


def main():
    lib = ctypes.CDLL(sys.argv[1])
    with open(sys.argv[2], encoding="utf-8") as f:
        vector = json.load(f)[0]
    lib.lbc_version.restype = ctypes.c_char_p
    lib.lbc_signer_new.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p),
                                   ctypes.POINTER(ctypes.c_void_p)]
    lib.lbc_signer_new.restype = ctypes.c_int32
    lib.lbc_signer_sign.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(Param),
                                    ctypes.c_size_t, ctypes.POINTER(ctypes.c_void_p),
                                    ctypes.POINTER(ctypes.c_void_p)]
    lib.lbc_signer_sign.restype = ctypes.c_int32
    lib.lbc_signer_free.argtypes = [ctypes.c_void_p]
    lib.lbc_string_free.argtypes = [ctypes.c_void_p]
    lib.lbc_normalize_phone.argtypes = [ctypes.c_char_p, ctypes.c_char_p,
                                        ctypes.POINTER(ctypes.c_void_p), ctypes.POINTER(ctypes.c_void_p)]
    lib.lbc_normalize_phone.restype = ctypes.c_int32
    lib.lbc_status_name.argtypes = [ctypes.c_int32]
    lib.lbc_status_name.restype = ctypes.c_void_p
    for getter in ("lbc_error_field", "lbc_error_message"):
        getattr(lib, getter).argtypes = [ctypes.c_void_p]
        getattr(lib, getter).restype = ctypes.c_void_p
    lib.lbc_error_status.argtypes = [ctypes.c_void_p]
    lib.lbc_error_status.restype = ctypes.c_int32
    lib.lbc_error_free.argtypes = [ctypes.c_void_p]

    def take(pointer):
        text = ctypes.string_at(pointer).decode()
        lib.lbc_string_free(pointer)
        return text

    params = (Param * len(vector["params"]))(
        *[Param(k.encode(), v.encode()) for k, v in reversed(list(vector["params"].items()))])
    out, err = ctypes.c_void_p(), ctypes.c_void_p()
    signer = ctypes.c_void_p()
    assert lib.lbc_signer_new(vector["key"].encode(), ctypes.byref(signer), None) == 0
    status = lib.lbc_signer_sign(signer, vector["method"].encode(), params, len(params),
                                 ctypes.byref(out), None)
    assert status == 0 and take(out) == vector["signature"], status
    lib.lbc_signer_free(signer)

    status = lib.lbc_signer_new(None, ctypes.byref(signer), ctypes.byref(err))
    assert status == 1 and lib.lbc_error_status(err) == 1, status
    assert take(lib.lbc_error_field(err)) == "api_key"
    assert take(lib.lbc_status_name(lib.lbc_error_status(err))) == "invalid_input"
    message = take(lib.lbc_error_message(err))
    lib.lbc_error_free(err)

    status = lib.lbc_normalize_phone(b"8 (925) 688-06-36", None, ctypes.byref(out), None)
    assert status == 0 and take(out) == "79256880636", status
    print("ctypes: libloginbycall %s signs; normalises numbers; a NULL key is refused: %s"
          % (lib.lbc_version().decode(), message))


if __name__ == "__main__":
    main()
