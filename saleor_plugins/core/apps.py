from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "saleor_plugins.core"
    label = "saleor_plugins"
    verbose_name = "Saleor plugins"

    def ready(self):
        from saleor.celeryconf import app

        from .permissions import register_permissions
        from .task_publishing import publish_tasks_after_commit

        register_permissions()
        publish_tasks_after_commit(app)
