"""What a job consumer runs: `huey_consumer kczg.worker.huey`.

It builds the app once for the process (the jobs run inside it) and imports every module that
declares a job, so the consumer knows them all. The web app never imports this module.
"""
from kczg import create_app, queue
from kczg.operations import bundles as _bundle_jobs  # noqa: F401  (deliver_bundles)
from kczg.services import bundles as _build_jobs  # noqa: F401  (build_bundle, recover)
from kczg.services import documents as _render_jobs  # noqa: F401  (render_nomination_documents)
from kczg.services import housekeeping as _housekeeping_jobs  # noqa: F401  (housekeeping)
from kczg.services import outbox as _mail_jobs  # noqa: F401  (send_mail)
from kczg.services import password_reset as _reset_jobs  # noqa: F401  (send_password_reset)

app = create_app()
queue.use_app(app)
huey = queue.huey


@huey.periodic_task(queue.crontab())  # every minute: the secretariat sees a worker that stopped
def heartbeat() -> None:
    queue.beat()


@huey.on_startup()
def _started() -> None:
    queue.beat()
