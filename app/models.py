"""What the agent did, kept as an audit trail.

A conversation belongs to a browser session; each task in it is a Run; each
tool call the model asked for is an Action, recorded before it runs and
updated after. No OAuth token is ever stored here: credentials live only in
the (encrypted) session.
"""
import re
import uuid

from django.db import models

ID = re.compile(r"[0-9a-f]{32}")  # what new_id makes: anything else names nothing, unasked


def new_id() -> str:
    return uuid.uuid4().hex


def uuid_hex(value: str) -> str:
    """An id in any form of UUID (a client's crypto.randomUUID() is dashed) as the one ids are kept in."""
    try:
        return uuid.UUID(value).hex
    except ValueError:
        raise ValueError("must be a UUID, e.g. from crypto.randomUUID()") from None


class Conversation(models.Model):
    id = models.CharField(primary_key=True, max_length=32, default=new_id, editable=False)
    session_key = models.CharField(max_length=40, db_index=True)
    # The Google account its actions were planned for: they never run with another account's grant.
    # Empty when the account's address was not known.
    account = models.EmailField(blank=True)
    title = models.CharField(max_length=200, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated"]

    def __str__(self):
        return self.title or self.id


class Run(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running"
        NEEDS_APPROVAL = "needs_approval"
        DONE = "done"
        FAILED = "failed"
        INTERRUPTED = "interrupted"  # cut off by a restart or an unreachable Claude; can be resumed

    id = models.CharField(primary_key=True, max_length=32, default=new_id, editable=False)
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="runs")
    task = models.TextField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RUNNING)
    reply = models.TextField(blank=True)
    thought = models.TextField(blank=True)
    error = models.TextField(blank=True)
    # The Messages API transcript, saved after every model turn so a paused or
    # interrupted run can continue exactly where it stopped.
    messages = models.JSONField(default=list)
    model_calls = models.PositiveIntegerField(default=0)
    input_tokens = models.PositiveIntegerField(default=0)
    output_tokens = models.PositiveIntegerField(default=0)
    cache_read_tokens = models.PositiveIntegerField(default=0)
    cache_write_tokens = models.PositiveIntegerField(default=0)
    # Which process drives the run while it is running, under which claim ("host/pid-namespace:pid:boot#claim"),
    # and until when that process vouches for it: a run whose driver is gone is marked interrupted, never taken over.
    owner = models.CharField(max_length=300, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created"]
        # Two tasks running at once in one conversation would each miss what the other does.
        constraints = [models.UniqueConstraint(fields=["conversation"], condition=models.Q(status="running"),
                                               name="one_running_task_per_conversation")]

    def __str__(self):
        return f"{self.task[:60]} ({self.status})"


class Action(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending"  # waiting for the person's approval
        APPROVED = "approved"  # allowed (by the person or by policy), not finished yet
        REJECTED = "rejected"
        DONE = "done"
        FAILED = "failed"

    id = models.CharField(primary_key=True, max_length=32, default=new_id, editable=False)
    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="actions")
    tool_use_id = models.CharField(max_length=100)
    tool = models.CharField(max_length=100)
    input = models.JSONField(default=dict)
    # Names for the ids in `input`, read before approval (e.g. the subject of a mail to trash).
    preview = models.JSONField(default=dict, blank=True)
    effect = models.CharField(max_length=20)
    status = models.CharField(max_length=20, choices=Status.choices)
    summary = models.TextField(blank=True)
    link = models.URLField(max_length=2000, blank=True)
    error = models.TextField(blank=True)
    # What the model was given back for this call, so a resumed run can send it again.
    result = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)
    started = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created", "id"]
        constraints = [models.UniqueConstraint(fields=["run", "tool_use_id"], name="one_action_per_tool_use")]

    def __str__(self):
        return f"{self.tool} ({self.status})"
