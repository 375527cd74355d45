from kczg import create_app

app = create_app()
