"""The association's particulars (name, address, phone, email, seal, document prefix, public URL): one place, the
settings (config/settings/base.py, from the environment), read here by every document, notice and page."""

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

# The demo's values (config/settings/base.py): production must set its own (documents.checks).
DEMO_DEFAULTS = {
    "name": "示范市消费者协会",
    "phone": "0000-88886666",
    "address": "示范市人民路1号 消费者协会投诉部（邮编000000）",
    "document_prefix": "示消",
}
LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1", "0.0.0.0", ""}


@dataclass(frozen=True)
class Association:
    name: str
    phone: str
    address: str
    email: str
    document_prefix: str
    seal_image: str
    public_url: str
    regulator_hotline: str

    @property
    def contact(self) -> str:
        """The line a notice ends with: 联系电话 …，地址 …"""
        return f"联系电话：{self.phone}；地址：{self.address}"


def association() -> Association:
    return Association(
        name=settings.ASSOCIATION_NAME,
        phone=settings.ASSOCIATION_PHONE,
        address=settings.ASSOCIATION_ADDRESS,
        email=settings.ASSOCIATION_EMAIL,
        document_prefix=settings.ASSOCIATION_DOCUMENT_PREFIX,
        seal_image=settings.ASSOCIATION_SEAL_IMAGE,
        public_url=settings.PUBLIC_BASE_URL,
        regulator_hotline=settings.REGULATOR_HOTLINE,
    )


def is_loopback(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    return host in LOOPBACK_HOSTS or host.startswith("127.")


def public_link(path: str) -> str:
    """An absolute link for an email or SMS."""
    return settings.PUBLIC_BASE_URL + path
