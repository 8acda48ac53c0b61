print("batchscore")
