"""Device profiles: viewport, pixel density, touch and user agent of the screens pages are captured on."""

from __future__ import annotations

from dataclasses import dataclass

MOBILE_UA = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/156.0.0.0 Mobile Safari/537.36"
)


@dataclass(frozen=True)
class Device:
    name: str
    width: int
    height: int
    scale: float = 1.0  # device pixels per CSS pixel: screenshots are width*scale wide
    mobile: bool = False
    touch: bool = False
    platform: str = "web"  # what the screenshot shows: web (desktop browser) or mobile
    user_agent: str | None = None

    def context_options(self) -> dict:
        """Keyword arguments for Playwright's browser.new_context that emulate this device."""
        options = {
            "viewport": {"width": self.width, "height": self.height},
            "device_scale_factor": self.scale,
            "is_mobile": self.mobile,
            "has_touch": self.touch,
        }
        if self.user_agent:
            options["user_agent"] = self.user_agent
        return options


STANDARD = Device("standard", 1280, 800)
BUILT_IN = {
    d.name: d
    for d in [
        STANDARD,
        Device("desktop", 1920, 1080),
        Device("laptop", 1366, 768),
        Device(
            "mobile", 390, 844, scale=3.0, mobile=True, touch=True, platform="mobile", user_agent=MOBILE_UA
        ),
    ]
}


def devices_from_params(names: list[str], profiles: dict[str, dict] | None = None) -> tuple[Device, ...]:
    """The devices named in params, from `profiles` (params.yaml `devices:`) or the built-in set."""
    known = dict(BUILT_IN)
    for name, spec in (profiles or {}).items():
        known[name] = Device(name=name, **spec)
    missing = [n for n in names if n not in known]
    if missing:
        raise ValueError(f"unknown device profile(s) {missing}; known: {sorted(known)}")
    return tuple(known[n] for n in names)
