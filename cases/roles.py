"""Granting permissions to the role groups from data migrations (each app adds its own as it arrives)."""

from django.contrib.auth.management import create_permissions


def grant(apps, grants: dict[str, list[str]]):
    """Give each group (by name) the listed "app_label.codename" permissions, creating missing ones first."""
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, perms in grants.items():
        group, _ = Group.objects.get_or_create(name=name)
        for perm in perms:
            app_label, codename = perm.split(".")
            group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
