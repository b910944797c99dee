"""Machine description recorded with every result file."""
import datetime
import os
import platform


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def info():
    uname = os.uname()
    return {
        "cpu": cpu_model(),
        "cpus": os.cpu_count(),
        "kernel": "%s %s" % (uname.sysname, uname.release),
        "machine": uname.machine,
        "hostname": uname.nodename,
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "load_average": list(os.getloadavg()),
        "python": platform.python_version(),
    }
