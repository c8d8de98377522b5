from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """No open sign-up: people join through an invitation from the Programme Office."""

    def is_open_for_signup(self, request):
        return False
