"""The workspace sandbox: a local emulator of the Google APIs GWS-MAA uses.

It speaks the real request and response shapes, so google-api-python-client
talks to it unchanged. It is the no-setup demo mode and the tests' Google.
"""
