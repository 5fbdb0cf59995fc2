"""The preprocessing study: does preprocessing change the error rate?"""
