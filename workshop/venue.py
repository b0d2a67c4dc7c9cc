"""Reaching the server from the venue: which addresses phones can use.

Phones join over the venue's network, so the address in the QR code must be
one of this machine's network addresses, never 127.0.0.1 (the phone itself).
Everything here reads local interfaces only: no packet leaves the machine.
"""

from __future__ import annotations

import ipaddress
import re
import shutil
import socket
import subprocess
from dataclasses import dataclass, field
from urllib.parse import urlsplit

LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}
ALL_INTERFACES = {"0.0.0.0", "::", ""}
INET = re.compile(r"\binet (?:addr:)?(\d{1,3}(?:\.\d{1,3}){3})")


def is_loopback_host(host: str) -> bool:
    """127.x, ::1 and localhost: addresses that mean "this device" on every device."""
    host = (host or "").strip().strip("[]").lower()
    if host in LOOPBACK_NAMES or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_loopback_url(url: str) -> bool:
    return is_loopback_host(urlsplit(url).hostname or "")


def usable_by_phones(address: str) -> bool:
    """An IPv4 address another device on the network could reach us at."""
    try:
        ip = ipaddress.IPv4Address(address)
    except ValueError:
        return False
    return not (ip.is_loopback or ip.is_link_local or ip.is_unspecified or ip.is_multicast)


def _command_output(command: list[str]) -> str:
    if shutil.which(command[0]) is None:
        return ""
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=2).stdout
    except (OSError, subprocess.SubprocessError):
        return ""


def _addresses_of_hostname() -> list[str]:
    try:
        found = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
    except OSError:
        return []
    return [str(entry[4][0]) for entry in found]  # an IPv4 or IPv6 address, typed str | int


def _addresses_of_interfaces() -> list[str]:
    """Linux: ask the kernel for each interface's address (SIOCGIFADDR). The
    socket is only a handle for the question: it is never connected, nothing is sent."""
    try:
        import fcntl
        import struct

        names = [name for _, name in socket.if_nameindex()]
        found = []
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as handle:
            for name in names:
                try:
                    answer = fcntl.ioctl(handle.fileno(), 0x8915, struct.pack("256s", name[:15].encode()))
                except OSError:  # an interface without an IPv4 address
                    continue
                found.append(socket.inet_ntoa(answer[20:24]))
        return found
    except (ImportError, OSError, AttributeError):
        return []


def lan_addresses() -> list[str]:
    """This machine's non-loopback IPv4 addresses, read from its interfaces
    (the kernel on Linux, else `ip`, else `ifconfig` on macOS and BSD, else
    what the host name resolves to)."""
    found = [a for a in _addresses_of_interfaces() if usable_by_phones(a)]
    if not found:
        found = INET.findall(_command_output(["ip", "-4", "-o", "addr", "show"]))
    if not found:
        found = INET.findall(_command_output(["ifconfig"]))
    if not found:
        found = _addresses_of_hostname()
    return list(dict.fromkeys(a for a in found if usable_by_phones(a)))


def base_url(host: str, port: int) -> str:
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def banner_lines(host: str, port: int, addresses: list[str], first_run: bool, public_url: str = "") -> list[str]:
    """What `make run` prints at start: where the server is, and the addresses
    phones on the venue network can type, or why they cannot reach it."""
    listens_everywhere = host in ALL_INTERFACES
    local = base_url("127.0.0.1" if listens_everywhere else host, port)
    lines = [f"Workshop is running on {local}/"]
    if public_url:
        lines.append(f"Phones join at {public_url.rstrip('/')}/join (PUBLIC_URL).")
    elif is_loopback_host(host):
        lines.append(f"Phones cannot reach {host}: it is this computer only. For a session, stop "
                     f"and restart with HOST=0.0.0.0 make run (the venue network's address then shows here).")
    elif listens_everywhere and addresses:
        lines.append("Phones on the same network join at:")
        lines += [f"  {base_url(address, port)}/join" for address in addresses]
        lines.append(f"Open the control view at one of these addresses (the QR code follows it), "
                     f"or set PUBLIC_URL={base_url(addresses[0], port)}")
    elif listens_everywhere:
        lines.append("No network address found: connect to the venue's network, "
                     "or set PUBLIC_URL to the address phones reach.")
    else:
        lines.append(f"Phones on the same network join at {base_url(host, port)}/join")
    if first_run:
        # Signed in at the address phones use, the facilitator's QR code carries it.
        entry = public_url.rstrip("/") if public_url else (
            base_url(addresses[0], port) if listens_everywhere and addresses else local)
        lines.append(f"First run: open {entry}/setup to create the first facilitator account "
                     "(or run: .venv/bin/workshop create-user).")
    return lines


@dataclass
class JoinAdvice:
    """What the control view says when the join address will not work on phones."""

    address: str
    listens_locally: bool
    control_urls: list[str] = field(default_factory=list)


def join_advice(join_url: str, listen_host: str, control_path: str,
                addresses: list[str] | None = None) -> JoinAdvice | None:
    """None when the join address is one phones can reach; otherwise what to do.
    The interfaces are read only then (`ip` runs): `addresses` stands in for them in tests."""
    if not is_loopback_url(join_url):
        return None
    parts = urlsplit(join_url)
    listens_locally = is_loopback_host(listen_host)
    urls = []
    if not listens_locally:
        found = lan_addresses() if addresses is None else addresses
        port = parts.port or (443 if parts.scheme == "https" else 80)
        urls = [f"{base_url(address, port)}{control_path}" for address in found]
    return JoinAdvice(parts.hostname or "", listens_locally, urls)
