class OkService:
    pass
