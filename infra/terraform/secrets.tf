# The secrets only: their values are added out of band (docs/deploy.md), never through Terraform, so they
# never appear in tfvars, plan output or state.
resource "google_secret_manager_secret" "mexc" {
  for_each  = toset(["MEXC_API_KEY", "MEXC_API_SECRET"])
  secret_id = each.value

  replication {
    auto {}
  }

  depends_on = [google_project_service.apis]
}
