resource "google_firestore_database" "ledger" {
  name            = "(default)"
  location_id     = var.firestore_location
  type            = "FIRESTORE_NATIVE"
  deletion_policy = "ABANDON"

  depends_on = [google_project_service.apis]
}

# TTL on expireAt (set from RUN_RETENTION_DAYS by the ledger). "orders" is the collection group of the
# order intents runs/{executionId}/orders/{clientOrderId}.
resource "google_firestore_field" "ttl" {
  for_each   = toset(["runs", "orders", "snapshots"])
  project    = var.project_id
  database   = google_firestore_database.ledger.name
  collection = each.value
  field      = "expireAt"

  ttl_config {}
}
