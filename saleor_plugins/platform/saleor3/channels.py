"""Saleor 3.23's channels: each with its currency and slug."""


def channel_slugs():
    from saleor.channel.models import Channel

    return list(Channel.objects.values_list("slug", flat=True))
