# Runtime identity of the three functions: Firestore and the two MEXC secrets, nothing else.
resource "google_service_account" "runtime" {
  account_id   = "${var.name_prefix}-runtime"
  display_name = "qrl-rebalancer functions runtime"
  depends_on   = [google_project_service.apis]
}

# Identity Cloud Scheduler signs its OIDC tokens with: invoker on the functions it calls, nothing else.
resource "google_service_account" "scheduler" {
  account_id   = "${var.name_prefix}-scheduler"
  display_name = "qrl-rebalancer scheduler caller"
  depends_on   = [google_project_service.apis]
}

# Firestore access is granted per project (Firestore has no per-database IAM for the server SDK).
resource "google_project_iam_member" "runtime_firestore" {
  project = var.project_id
  role    = "roles/datastore.user"
  member  = "serviceAccount:${google_service_account.runtime.email}"
}

resource "google_secret_manager_secret_iam_member" "runtime_reads_mexc" {
  for_each  = google_secret_manager_secret.mexc
  project   = var.project_id
  secret_id = each.value.secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.runtime.email}"
}

# A gen2 function is served by a Cloud Run service of the same name; invoking it needs run.invoker there.
# The scheduler calls rebalance and snapshot on schedule, and health for scripts/call.sh --function health.
resource "google_cloud_run_v2_service_iam_member" "scheduler_invokes" {
  for_each = toset(["rebalance", "snapshot", "health"])
  project  = var.project_id
  location = var.region
  name     = google_cloudfunctions2_function.fn[each.key].name
  role     = "roles/run.invoker"
  member   = "serviceAccount:${google_service_account.scheduler.email}"
}

# The people and accounts of var.callers, each on the functions listed for it.
resource "google_cloud_run_v2_service_iam_member" "callers_invoke" {
  for_each = { for p in local.caller_pairs : "${p.fn} ${p.member}" => p }
  project  = var.project_id
  location = var.region
  name     = google_cloudfunctions2_function.fn[each.value.fn].name
  role     = "roles/run.invoker"
  member   = each.value.member
}

# scripts/call.sh --caller scheduler mints a token as the scheduler account; whoever runs it needs the
# OpenID token creator role on that one account. Such runs are recorded with the scheduler as caller.
resource "google_service_account_iam_member" "manual_callers" {
  for_each           = toset(var.manual_callers)
  service_account_id = google_service_account.scheduler.name
  role               = "roles/iam.serviceAccountOpenIdTokenCreator"
  member             = each.value
}
