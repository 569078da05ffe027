"""Start-up work on Saleor 3.23: none yet (its own tasks are queued on commit)."""


def ready():
    pass
