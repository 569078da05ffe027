"""Start-up work on Saleor 2.10.1."""


def ready():
    from saleor.celeryconf import app

    from ...core.task_publishing import publish_tasks_after_commit

    # 2.10.1 queues its e-mails inside transactions: a worker could look for an order
    # that is not committed yet
    publish_tasks_after_commit(app)
    # the cart rules by name in Klarna's order lines and in the order e-mails
    from ...core.order_summary import register_order_adjustments
    from ...klarna.saleor_data import register_checkout_adjustments
    from .discount_rules.klarna_lines import checkout_adjustments
    from .discount_rules.orders import order_adjustments

    register_checkout_adjustments(checkout_adjustments)
    register_order_adjustments(order_adjustments)
