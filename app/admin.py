from django.contrib import admin

from app.models import Action, Conversation, Run


class ReadOnlyAdmin(admin.ModelAdmin):
    """The audit trail is written by the agent only; the admin is for looking."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # Not even a superuser: a record that can be deleted is no record. This also takes away
        # the "delete selected" bulk action.
        return False


class RunInline(admin.TabularInline):
    model = Run
    fields = ("task", "status", "model_calls", "created")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True


class ActionInline(admin.TabularInline):
    model = Action
    fields = ("tool", "effect", "status", "summary", "error", "created", "finished")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Conversation)
class ConversationAdmin(ReadOnlyAdmin):
    list_display = ("id", "title", "account", "created", "updated")
    search_fields = ("title",)
    # The owner's session key would let anyone who reads it take over that session.
    exclude = ("session_key",)
    inlines = [RunInline]


@admin.register(Run)
class RunAdmin(ReadOnlyAdmin):
    list_display = ("task", "status", "model_calls", "input_tokens", "output_tokens", "created")
    list_filter = ("status",)
    search_fields = ("task",)
    exclude = ("messages",)
    inlines = [ActionInline]


@admin.register(Action)
class ActionAdmin(ReadOnlyAdmin):
    list_display = ("tool", "effect", "status", "summary", "created", "finished")
    list_filter = ("status", "effect", "tool")
    exclude = ("result",)
