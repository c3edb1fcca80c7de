from django.core.management.base import BaseCommand

from envoice import demo


class Command(BaseCommand):
    help = "Create (or bring up to date) the demo companies, users and data described in shared/API.md."

    def handle(self, *args, **options):
        company = demo.run()
        self.stdout.write(self.style.SUCCESS(f"Demo data ready for {company}."))
