"""Production refuses the demo's particulars, a loopback public URL and 12315 as the association's phone."""

from documents.checks import association_particulars


def _ids(errors):
    return {error.id for error in errors}


def test_the_demo_defaults_are_refused_for_production():
    assert {"documents.E010", "documents.E011"} <= _ids(association_particulars(None))


def test_real_particulars_pass(settings, tmp_path):
    seal = tmp_path / "seal.png"
    seal.write_bytes(b"png")
    settings.ASSOCIATION_NAME = "杭州市消费者权益保护委员会"
    settings.ASSOCIATION_PHONE = "0571-85000000"
    settings.ASSOCIATION_ADDRESS = "杭州市某路1号"
    settings.ASSOCIATION_DOCUMENT_PREFIX = "杭消"
    settings.ASSOCIATION_SEAL_IMAGE = str(seal)
    settings.PUBLIC_BASE_URL = "https://tousu.example.cn"
    assert association_particulars(None) == []
    settings.ASSOCIATION_PHONE = "12315"
    settings.PUBLIC_BASE_URL = "http://localhost:8000"
    assert _ids(association_particulars(None)) == {"documents.E011", "documents.E013"}
