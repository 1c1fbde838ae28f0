resource "google_storage_bucket" "sources" {
  name                        = "${var.project_id}-${var.name_prefix}-fn-sources"
  location                    = var.region
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = true

  depends_on = [google_project_service.apis]
}

# The zip's hash is in the object name, so a changed bundle is a new object and redeploys the function.
resource "google_storage_bucket_object" "source" {
  for_each = local.functions
  bucket   = google_storage_bucket.sources.name
  name     = "${each.key}-${filemd5("${var.bundle_dir}/${each.key}.zip")}.zip"
  source   = "${var.bundle_dir}/${each.key}.zip"
}

resource "google_cloudfunctions2_function" "fn" {
  for_each    = local.functions
  name        = local.function_names[each.key]
  location    = var.region
  description = "qrl-rebalancer ${each.key}"

  build_config {
    runtime     = "nodejs22"
    entry_point = each.value.entry_point
    source {
      storage_source {
        bucket = google_storage_bucket.sources.name
        object = google_storage_bucket_object.source[each.key].name
      }
    }
  }

  service_config {
    timeout_seconds                  = each.value.timeout
    available_memory                 = each.value.memory
    max_instance_count               = each.value.max_instances
    max_instance_request_concurrency = each.value.concurrency
    ingress_settings                 = var.ingress_settings
    all_traffic_on_latest_revision   = true
    service_account_email            = google_service_account.runtime.email

    environment_variables = merge(local.common_env, local.function_env[each.key])

    dynamic "secret_environment_variables" {
      for_each = local.secret_env
      content {
        key        = secret_environment_variables.key
        project_id = var.project_id
        secret     = secret_environment_variables.value
        version    = "latest"
      }
    }

    direct_vpc_egress = var.static_egress_ip ? "VPC_EGRESS_ALL_TRAFFIC" : null
    dynamic "direct_vpc_network_interface" {
      for_each = var.static_egress_ip ? [1] : []
      content {
        network    = google_compute_network.egress[0].name
        subnetwork = google_compute_subnetwork.egress[0].name
      }
    }
  }

  lifecycle {
    precondition {
      condition     = length("${local.function_names[each.key]}-${data.google_project.this.number}") <= 63
      error_message = "The deterministic Cloud Run URL needs <name>-<project number> to fit 63 characters; shorten name_prefix."
    }
  }

  depends_on = [
    google_project_service.apis,
    google_project_iam_member.runtime_firestore,
    google_secret_manager_secret_iam_member.runtime_reads_mexc,
    google_compute_router_nat.egress,
  ]
}
