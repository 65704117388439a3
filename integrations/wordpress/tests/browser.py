import os, time
if os.environ.get("LBC_WP_HOLD"):
    print("holding", os.environ["LBC_SITE"], flush=True)
    open("/tmp/wp-hold-site", "w").write(os.environ["LBC_SITE"] + " " + os.environ["LBC_SANDBOX"])
    time.sleep(int(os.environ["LBC_WP_HOLD"]))
