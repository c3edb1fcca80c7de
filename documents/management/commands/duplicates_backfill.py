"""Hash the pages of documents read before duplicate detection compared images, and check them."""

from django.core.management.base import BaseCommand

from documents.duplicates.services import duplicates_backfill


class Command(BaseCommand):
    help = "Compute the perceptual hash of read documents that have none, and check them for duplicates."

    def handle(self, *args, **options):
        done = duplicates_backfill()
        self.stdout.write(f"{done} document(s) hashed and checked.")
