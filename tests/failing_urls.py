"""The project's URLs and one view that fails, to see the 500 page as users would."""

from django.urls import path

from config.urls import urlpatterns as project_urlpatterns


def failing_view(request):
    raise RuntimeError("a failure in a view")


urlpatterns = [path("test-failure/", failing_view), *project_urlpatterns]
