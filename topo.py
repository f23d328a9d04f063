#!/usr/bin/env python3
"""topo.py — the lab's Mininet network: h1 (10.0.0.1) and h2 (10.0.0.2), optionally h3
(10.0.0.3), on one switch with no controller; h1's link is 100 Mbit/s with 10 ms of delay.

Run as root with the Python that has Mininet (Debian: /usr/bin/python3):

    python3 topo.py            the Mininet CLI, as in the lab: `h1 deno task start &`, `h2 ...`
    python3 topo.py --serve    also start `deno task start` on h1 (ports 80 and 443)
    python3 topo.py --test     start it on h1, run tests/lab_test.py on h2, exit with its status
    python3 topo.py --h3       add h3, a second client
    python3 topo.py --find-deno   say which deno h1 will run, and exit (needs no Mininet)

h1 has no network, so `npx --yes deno@2.9.6` cannot download Deno there (it waits about 70 s,
then fails). topo.py finds a Deno that runs without one, in this order: $DENO; `deno` on the
PATH; one that npx has cached (~/.npm/_npx/*/node_modules/deno/deno, for root and for the user
who ran sudo); `npx --offline --yes deno@2.9.6`. With none, it says what to do and stops.

Mininet's usual parts are not everywhere: Open vSwitch may have no kernel datapath (no
`openvswitch` module, as in containers) and `tc` may lack netem (the delay) or htb (the
bandwidth). topo.py checks, says in one line what it falls back to, and carries on:
OVS's userspace datapath (with TX checksum offload off on the hosts, which it needs), else a
Linux bridge; the link without delay, or without shaping at all.
"""
import argparse
import glob
import os
import pwd
import shutil
import subprocess
import sys
import time

try:
    from mininet.link import Link, TCLink
    from mininet.log import setLogLevel
    from mininet.net import Mininet
    from mininet.node import OVSBridge
    from mininet.nodelib import LinuxBridge
    from mininet.topo import Topo
except ImportError:  # --find-deno works without Mininet; main() says how to install it
    Topo = object

PROJECT = os.path.dirname(os.path.abspath(__file__))
DENO_VERSION = "2.9.6"  # the version README.md and .ci/run give to npx
NO_DENO = f"""topo: found no Deno that runs without a network (h1 has none, so npx cannot download it).
  Do one of these once, as root, while this machine has a network, then run topo.py again:
    npx --yes deno@{DENO_VERSION} task test       (caches Deno and the server's packages)
    npm install -g deno@{DENO_VERSION}            (puts deno on the PATH)
  or point topo.py at a deno binary: DENO=/path/to/deno python3 topo.py"""


class LabTopo(Topo):
    """h1, h2 (and h3) on switch s1; h1's link carries the lab's bandwidth and delay."""

    def build(self, h3=False, shaping=None):
        s1 = self.addSwitch("s1")
        h1 = self.addHost("h1", ip="10.0.0.1/24")
        self.addLink(h1, s1, **(shaping or {}))
        self.addLink(self.addHost("h2", ip="10.0.0.2/24"), s1)
        if h3:
            self.addLink(self.addHost("h3", ip="10.0.0.3/24"), s1)


def qdisc_works(kind_args):
    """Whether `tc` can add this qdisc, tried on the loopback of a throwaway namespace."""
    ns = f"topo-probe-{os.getpid()}"
    if subprocess.run(["ip", "netns", "add", ns], capture_output=True).returncode != 0:
        return False
    try:
        cmd = ["ip", "netns", "exec", ns, "tc", "qdisc", "add", "dev", "lo", "root", *kind_args]
        return subprocess.run(cmd, capture_output=True).returncode == 0
    finally:
        subprocess.run(["ip", "netns", "del", ns], capture_output=True)


def choose_switch():
    """OVS with the kernel datapath if it is there, else OVS userspace, else a Linux bridge."""
    if shutil.which("ovs-vsctl"):
        if subprocess.run(["ovs-vsctl", "show"], capture_output=True).returncode != 0:
            subprocess.run(["service", "openvswitch-switch", "start"], capture_output=True)
        if subprocess.run(["ovs-vsctl", "show"], capture_output=True).returncode == 0:
            if os.path.exists("/sys/module/openvswitch"):
                return OVSBridge, "kernel"
            print("topo: no Open vSwitch kernel datapath here; using OVS's userspace datapath")
            return (lambda name, **kw: OVSBridge(name, datapath="user", **kw)), "user"
    print("topo: Open vSwitch is not running here; using a Linux bridge")
    return LinuxBridge, "bridge"


def choose_link():
    """TCLink with bw=100, delay=10ms if tc can; otherwise as much of it as tc allows."""
    if qdisc_works(["netem", "delay", "10ms"]):
        return TCLink, {"bw": 100, "delay": "10ms"}
    if qdisc_works(["htb", "default", "1"]):
        print("topo: tc has no netem here, so no 10 ms delay; keeping bw=100")
        return TCLink, {"bw": 100}
    print("topo: tc can shape nothing here (no netem, no htb); plain links")
    return Link, {}


def runs(command):
    """Whether `command --version` prints a Deno version within 20 s, with no network needed."""
    try:
        out = subprocess.run([*command, "--version"], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return out.returncode == 0 and out.stdout.startswith("deno ")


def npx_caches():
    """The npx caches to look in: npm's configured one, root's, and that of the user behind sudo."""
    homes = [os.path.expanduser("~")]
    if os.environ.get("SUDO_USER"):
        try:
            homes.append(pwd.getpwnam(os.environ["SUDO_USER"]).pw_dir)
        except KeyError:
            pass
    caches = [os.environ.get("npm_config_cache")] + [os.path.join(h, ".npm") for h in homes]
    return [c for c in dict.fromkeys(caches) if c]


def find_deno():
    """The command that runs Deno on h1 without a network (see the docstring), or None."""
    if os.environ.get("DENO"):
        return [os.environ["DENO"]] if runs([os.environ["DENO"]]) else None
    if shutil.which("deno") and runs([shutil.which("deno")]):
        return [shutil.which("deno")]
    cached = []
    for cache in npx_caches():
        for pattern in ("node_modules/deno/deno", "node_modules/@deno/*/deno"):
            cached += glob.glob(os.path.join(cache, "_npx", "*", pattern))
    for deno in sorted(cached, key=os.path.getmtime, reverse=True):  # the newest first
        if runs([deno]):
            return [deno]
    npx = ["npx", "--offline", "--yes", f"deno@{DENO_VERSION}"]
    if shutil.which("npx") and runs(npx):
        return npx
    return None


def start_server(h1, deno, log):
    return h1.popen([*deno, "task", "start"], cwd=PROJECT, stdout=log, stderr=subprocess.STDOUT)


def wait_for(host, ip, port, seconds=20):
    probe = f"import socket; socket.create_connection(('{ip}', {port}), 1)"
    for _ in range(seconds * 4):
        if host.cmd(f"{sys.executable} -c \"{probe}\" && echo up").strip().endswith("up"):
            return True
        time.sleep(0.25)
    return False


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--serve", action="store_true", help="start `deno task start` on h1")
    parser.add_argument("--test", action="store_true", help="serve on h1, run the lab test on h2")
    parser.add_argument("--h3", action="store_true", help="add h3 (10.0.0.3), a second client")
    parser.add_argument("--find-deno", action="store_true", help="say which deno h1 will run")
    args = parser.parse_args()
    deno = find_deno() if args.serve or args.test or args.find_deno else None
    if args.find_deno:
        print(f"topo: h1 will run {' '.join(deno)}" if deno else NO_DENO)
        sys.exit(0 if deno else 1)
    if (args.serve or args.test) and deno is None:
        sys.exit(NO_DENO)
    if Topo is object:
        sys.exit(
            f"topo: Mininet is not installed for this Python ({sys.executable}); run it with "
            "Debian's /usr/bin/python3 (apt-get install mininet)"
        )
    if os.geteuid() != 0:
        sys.exit("topo: Mininet needs root (there is no sudo here: run it as root)")

    setLogLevel("output")  # "warning" would hide what the CLI's commands print
    switch, datapath = choose_switch()
    link, shaping = choose_link()
    topo = LabTopo(h3=args.h3, shaping=shaping)
    net = Mininet(topo=topo, switch=switch, link=link, controller=None, autoSetMacs=True)
    server, status = None, 0
    try:
        net.start()
        if datapath == "user":  # the userspace datapath drops packets with offloaded checksums
            for host in net.hosts:
                host.cmd(f"ethtool -K {host.name}-eth0 tx off")
        h1, h2 = net.get("h1"), net.get("h2")
        if args.serve or args.test:
            log = open(os.path.join(PROJECT, "logs", "topo-h1.log"), "w")
            server = start_server(h1, deno, log)
            if not wait_for(h2, "10.0.0.1", 443):
                print("topo: the server on h1 did not answer on 10.0.0.1:443; see logs/topo-h1.log")
                status = 1
        if args.test and status == 0:
            out = h2.cmd(f"{sys.executable} tests/lab_test.py 10.0.0.1 static; echo EXIT=$?")
            print(out.rstrip())
            status = 0 if out.rstrip().endswith("EXIT=0") else 1
        elif not args.test:
            from mininet.cli import CLI
            CLI(net)
    finally:
        if server is not None:
            server.terminate()
            server.wait()
        net.stop()
    sys.exit(status)


if __name__ == "__main__":
    main()
