"""Widgets of the staff admin."""

from django.contrib.admin.widgets import AdminFileWidget


class EvidenceFileWidget(AdminFileWidget):
    """A stored evidence file as its preview and its name (opening the file); a new row gets the upload input.
    A stored file is never replaced (the form refuses it): a new file is new evidence."""

    template_name = "admin/widgets/evidence_file.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if value and getattr(value, "name", None):
            context["widget"]["file_name"] = value.name.rsplit("/", 1)[-1]
            instance = getattr(value, "instance", None)
            preview = getattr(instance, "preview", None)
            context["widget"]["preview"] = preview if preview else None
        return context
