"""Stored files are never served from a public folder: every file field's `.url` is the access-checked view
(portal.files, mounted at /files/ in config.urls). This storage is STORAGES["default"], so evidence, documents,
appraisal conclusions and any file field added later get the checked URL without saying so."""

from django.core.files.storage import FileSystemStorage
from django.urls import reverse


class CheckedFileStorage(FileSystemStorage):
    def url(self, name):
        return reverse("stored_file", kwargs={"name": name})
