"""Home dashboards, the profile page (MFA, API tokens), users and invitations, search."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from crm import permissions as access
from crm import services
from crm.dashboard import dashboard_context
from crm.forms import AcceptInvitationForm, InviteForm, SponsorInviteForm, TokenForm
from crm.forms_util import add_service_errors
from crm.history import history_of
from crm.models import Role, User, UserInvitation
from crm.search import search


def index(request):
    if request.user.is_authenticated:
        return redirect("crm:home")
    return redirect("account_login")


@login_required
def home(request):
    if access.is_sponsor(request.user):
        return redirect("feasibility:sponsor-home")  # a company's home is its own requests
    return render(request, "crm/home.html", dashboard_context(request.user))


@login_required
def profile(request):
    from allauth.mfa.models import Authenticator

    authenticators = {a.type: a for a in Authenticator.objects.filter(user=request.user)}
    context = {
        "tokens": request.user.api_tokens.active(),
        "token_form": TokenForm(),
        "has_totp": Authenticator.Type.TOTP in authenticators,
        "has_recovery_codes": Authenticator.Type.RECOVERY_CODES in authenticators,
        "centres": request.user.centres.all(),
    }
    return render(request, "crm/profile.html", context)


@login_required
@require_POST
def token_create(request):
    form = TokenForm(request.POST)
    if form.is_valid():
        try:
            token, key = services.token_create(actor=request.user, name=form.cleaned_data["name"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return render(request, "crm/token_created.html", {"token": token, "key": key})
    messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("crm:profile")


@login_required
@require_POST
def token_revoke(request, pk):
    token = access.get_visible_or_404(request.user.api_tokens.active(), pk=pk)
    services.token_revoke(actor=request.user, token=token)
    messages.success(request, f"Token “{token.name}” revoked; scripts using it stop working now.")
    return redirect("crm:profile")


@login_required
def user_list(request):
    access.require(access.can_manage_users(request.user))
    if request.method == "POST":
        form = InviteForm(request.POST)
        if form.is_valid():
            try:
                invitation, _token = services.user_invite(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"Invitation sent to {invitation.email}.")
                return redirect("crm:user-list")
    else:
        form = InviteForm()
    context = {
        "users": User.objects.select_related("organisation")
        .prefetch_related("centres")
        .order_by("role", "last_name", "first_name"),
        "invitations": UserInvitation.objects.pending()
        .select_related("invited_by", "organisation")
        .prefetch_related("centres"),
        "form": form,
    }
    return render(request, "crm/user_list.html", context)


@login_required
@require_POST
def sponsor_invite(request, organisation_pk):
    """From a company's page: invite one of its people as a sponsor account for that company."""
    from engagements.models import Organisation

    access.require(access.can_manage_users(request.user), "Only the Programme Office invites people.")
    organisation = get_object_or_404(Organisation, pk=organisation_pk, merged_into__isnull=True)
    form = SponsorInviteForm(request.POST)
    if form.is_valid():
        try:
            invitation, _token = services.user_invite(
                actor=request.user, role=Role.SPONSOR, organisation=organisation, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Invitation sent to {invitation.email} for {organisation.name}.")
            return redirect(_sponsor_accounts_url(organisation))
    messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect(_sponsor_accounts_url(organisation))


def _sponsor_accounts_url(organisation) -> str:
    return reverse("engagements:organisation-detail", args=[organisation.pk]) + "#sponsor-accounts"


@login_required
@require_POST
def invitation_revoke(request, pk):
    access.require(access.can_manage_users(request.user))
    invitation = get_object_or_404(UserInvitation, pk=pk)
    try:
        services.invitation_revoke(actor=request.user, invitation=invitation)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Invitation for {invitation.email} revoked.")
    return redirect("crm:user-list")


def invitation_accept(request, token):
    invitation = services.invitation_for_token(token)
    if invitation is None:
        return render(request, "crm/invitation_invalid.html", status=404)
    if request.method == "POST":
        form = AcceptInvitationForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                user = services.invitation_accept(
                    token=token,
                    username=data["username"],
                    password=data["password1"],
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                messages.success(request, f"Welcome to EPOCH, {user.first_name}.")
                return redirect("crm:home")
    else:
        form = AcceptInvitationForm(initial={"first_name": invitation.first_name, "last_name": invitation.last_name})
    return render(request, "crm/invitation_accept.html", {"form": form, "invitation": invitation})


@login_required
def search_view(request):
    query = request.GET.get("q", "").strip()
    results = search(request.user, query) if query else []
    return render(request, "crm/search.html", {"query": query, "results": results})


@login_required
def history(request, model_label, pk):
    queryset = access.visible_for_history(request.user, model_label)
    if queryset is None:
        raise Http404("No history is kept for this kind of record.")
    obj = access.get_visible_or_404(queryset, pk=pk)
    context = {"object": obj, "entries": history_of(obj), "model_name": obj._meta.verbose_name}
    return render(request, "crm/history.html", context)


def healthz(request):
    """For the load balancer and uptime checks: 200 when the database answers, 503 when not."""
    from django.db import connection
    from django.http import JsonResponse

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        return JsonResponse({"status": "database unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


@login_required
@require_POST
def user_set_active(request, pk):
    access.require(access.can_manage_users(request.user))
    person = get_object_or_404(User, pk=pk)
    active = request.POST.get("active") == "1"
    try:
        services.user_set_active(actor=request.user, user=person, active=active)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"{person} can {'now' if active else 'no longer'} sign in.")
    return redirect("crm:user-list")
