"""Is the Celery broker there? Asked before queuing work that a person waits for, so that a missing Redis is
reported in one line at once instead of a traceback after the client's retries, with a job row left pending."""


def broker_problem(timeout: float = 2.0) -> str | None:
    """None when tasks run in-process (no REDIS_URL) or the broker accepts a connection; else why not."""
    from thads.celery import app

    if app.conf.task_always_eager:
        return None

    try:
        with app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=timeout)
    except Exception as error:  # kombu raises the transport's own errors (redis, socket, OperationalError)
        return f"{type(error).__name__}: {error}"
    return None
