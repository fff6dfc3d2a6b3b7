from baotong.cli.main import app

app(prog_name="baotong")
