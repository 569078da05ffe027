"""Start-up work on Saleor 2.10.1."""


def ready():
    from saleor.celeryconf import app

    from ...core.task_publishing import publish_tasks_after_commit

    # 2.10.1 queues its e-mails inside transactions: a worker could look for an order
    # that is not committed yet
    publish_tasks_after_commit(app)
