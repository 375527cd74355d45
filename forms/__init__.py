"""WTForms for every page: shared pieces in common.py and validators.py, one module per list."""
from forms import fast_html

fast_html.install()
