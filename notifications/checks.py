from django.core.checks import Tags, Warning, register

from . import conf


@register(Tags.compatibility, deploy=True)
def check_sms_backend(app_configs, **kwargs):
    """`manage.py check --deploy` warns while SMS only goes to a log."""
    if conf.sms_backend_path() == conf.DEFAULT_SMS_BACKEND:
        return [
            Warning(
                "NOTIFICATIONS_SMS_BACKEND is the development LoggingSmsBackend: SMS notices are logged, not sent.",
                hint="Point NOTIFICATIONS_SMS_BACKEND at a BaseSmsBackend subclass for your SMS gateway.",
                id="notifications.W001",
            )
        ]
    return []
