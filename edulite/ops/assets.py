"""The pinned front-end libraries: where pages load them from, and the command that self-hosts them."""

from __future__ import annotations

import base64
import hashlib
import io
import tarfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from edulite import ROOT


@dataclass(frozen=True)
class Asset:
    package: str
    version: str
    path: str  # inside the npm package
    integrity: str  # sha384 of the file, as in a script tag's integrity attribute

    @property
    def filename(self) -> str:
        return f"{self.package}-{self.version}-{Path(self.path).name}"

    def cdn_url(self, base: str) -> str:
        return f"{base.rstrip('/')}/{self.package}@{self.version}/{self.path}"

    def tarball_url(self, registry: str) -> str:
        name = self.package.split("/")[-1]
        return f"{registry.rstrip('/')}/{self.package}/-/{name}-{self.version}.tgz"


ASSETS = {
    "htmx": Asset("htmx.org", "2.0.11", "dist/htmx.min.js",
                  "sha384-2OatzQy1H+Zd/IIrjr1TcuDGqLXeHhbooAyJY1KdQMKnr4LZ22k31GBLdYKHmVjg"),
    "chartjs": Asset("chart.js", "4.5.1", "dist/chart.umd.min.js",
                     "sha384-jb8JQMbMoBUzgWatfe6COACi2ljcDdZQ2OxczGA3bGNeWe+6DChMTBJemed7ZnvJ"),
}


def sri(data: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


def fetch(asset: Asset, registry: str, target_dir: Path, timeout: float = 60) -> Path:
    """Download the pinned file from an npm registry, verify it, and store it under target_dir."""
    target = target_dir / asset.filename
    if target.exists() and sri(target.read_bytes()) == asset.integrity:
        return target
    url = asset.tarball_url(registry)
    if not url.startswith(("https://", "http://")):
        raise ValueError(f"registry must be an http(s) URL: {registry}")
    with urllib.request.urlopen(url, timeout=timeout) as resp:  # noqa: S310  # nosec B310
        blob = resp.read()
    with tarfile.open(fileobj=io.BytesIO(blob), mode="r:gz") as tar:
        member = tar.extractfile(f"package/{asset.path}")
        if member is None:
            raise ValueError(f"{asset.path} missing from {url}")
        data = member.read()
    if sri(data) != asset.integrity:
        raise ValueError(f"{asset.filename}: hash mismatch, refusing to serve it")
    target_dir.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return target


def script_src(name: str, *, mode: str, cdn_base: str, static_url) -> str:
    asset = ASSETS[name]
    if mode == "local":
        return static_url(f"vendor/{asset.filename}")
    return asset.cdn_url(cdn_base)


def main() -> None:
    """`python -m edulite.ops.assets [REGISTRY]`: fetch the pinned files without configuring an app."""
    import sys

    registry = sys.argv[1] if len(sys.argv) > 1 else "https://registry.npmjs.org"
    target = ROOT / "static" / "vendor"
    for asset in ASSETS.values():
        fetch(asset, registry, target)
        sys.stdout.write(f"{asset.package}@{asset.version} verified in {target}\n")


if __name__ == "__main__":
    main()
