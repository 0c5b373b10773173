from edulite import create_app

app = create_app()
