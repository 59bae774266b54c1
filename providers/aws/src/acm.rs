//! Certificate Manager: certificates validated through DNS. As CloudFormation does, the
//! validation records are written into the hosted zone named by `DomainValidationOptions`, and
//! the certificate is waited for until issued.

use std::collections::BTreeMap;

use aws_sdk_acm::Client;
use aws_sdk_acm::types::{CertificateStatus, Tag, ValidationMethod};
use stratus_core::deploy::{
    Attributes, CreateRequest, Created, ErrorKind, Inputs, Json, ProviderError,
};

use crate::error::{classify, invalid};
use crate::inputs::{string, string_list, tags};
use crate::wait::{Wait, poll};

/// The types this module handles.
pub(crate) const TYPES: &[&str] = &["AWS::CertificateManager::Certificate"];

/// ACM's idempotency token: at most 32 letters and digits.
fn idempotency_token(token: &str) -> String {
    let alnum: String = token.chars().filter(char::is_ascii_alphanumeric).collect();
    alnum[alnum.len().saturating_sub(32)..].to_owned()
}

fn created(arn: &str) -> Created {
    Created {
        physical_id: arn.to_owned(),
        attributes: [("Arn".to_owned(), Json::String(arn.to_owned()))]
            .into_iter()
            .collect(),
    }
}

pub(crate) async fn create(
    client: &Client,
    route53: &aws_sdk_route53::Client,
    wait: &Wait,
    request: CreateRequest<'_>,
) -> Result<Created, ProviderError> {
    let inputs = request.inputs;
    let alternative = string_list(inputs, "SubjectAlternativeNames");
    let mut create = client
        .request_certificate()
        .domain_name(string(inputs, "DomainName")?)
        .validation_method(ValidationMethod::Dns)
        .idempotency_token(idempotency_token(request.token))
        .set_subject_alternative_names((!alternative.is_empty()).then_some(alternative));
    for (key, value) in tags(inputs, "Tags", request.ownership) {
        create = create.tags(
            Tag::builder()
                .key(key)
                .value(value)
                .build()
                .map_err(|e| invalid(e.to_string()))?,
        );
    }
    let arn = create
        .send()
        .await
        .map_err(classify)?
        .certificate_arn()
        .ok_or_else(|| invalid("no certificate ARN"))?
        .to_owned();
    let zones: BTreeMap<String, String> = inputs
        .get("DomainValidationOptions")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
        .filter_map(|o| {
            Some((
                o.get("DomainName")?.as_str()?.to_owned(),
                o.get("HostedZoneId")?.as_str()?.to_owned(),
            ))
        })
        .collect();
    write_validation_records(client, route53, wait, &arn, &zones).await?;
    poll(
        wait,
        "AWS::CertificateManager::Certificate",
        &format!("certificate {arn} to be issued"),
        || async {
            let out = client
                .describe_certificate()
                .certificate_arn(&arn)
                .send()
                .await
                .map_err(classify)?;
            match out.certificate().and_then(|c| c.status()) {
                Some(CertificateStatus::Issued) => Ok(Some(())),
                Some(
                    status @ (CertificateStatus::Failed
                    | CertificateStatus::ValidationTimedOut
                    | CertificateStatus::Revoked),
                ) => Err(ProviderError::new(
                    ErrorKind::Other,
                    format!("certificate {arn} is {status:?}"),
                )),
                _ => Ok(None),
            }
        },
    )
    .await?;
    Ok(created(&arn))
}

/// UPSERTs each domain's validation CNAME into its zone, once ACM has published it.
async fn write_validation_records(
    client: &Client,
    route53: &aws_sdk_route53::Client,
    wait: &Wait,
    arn: &str,
    zones: &BTreeMap<String, String>,
) -> Result<(), ProviderError> {
    use aws_sdk_route53::types::{
        Change, ChangeAction, ChangeBatch, ResourceRecord, ResourceRecordSet, RrType,
    };
    if zones.is_empty() {
        return Ok(());
    }
    let records = poll(
        wait,
        "AWS::CertificateManager::Certificate",
        &format!("validation records of {arn}"),
        || async {
            let out = client
                .describe_certificate()
                .certificate_arn(arn)
                .send()
                .await
                .map_err(classify)?;
            let detail = out.certificate();
            if detail.and_then(|c| c.status()) == Some(&CertificateStatus::Issued) {
                return Ok(Some(Vec::new()));
            }
            let options = detail
                .map(aws_sdk_acm::types::CertificateDetail::domain_validation_options)
                .unwrap_or_default();
            let records: Vec<(String, String, String)> = options
                .iter()
                .filter_map(|o| {
                    o.resource_record().map(|r| {
                        (
                            o.domain_name().to_owned(),
                            r.name().to_owned(),
                            r.value().to_owned(),
                        )
                    })
                })
                .collect();
            Ok((!records.is_empty()).then_some(records))
        },
    )
    .await?;
    for (domain, name, value) in records {
        let Some(zone) = zones.get(&domain) else {
            continue;
        };
        let record = ResourceRecordSet::builder()
            .name(name)
            .r#type(RrType::Cname)
            .ttl(300)
            .resource_records(
                ResourceRecord::builder()
                    .value(value)
                    .build()
                    .map_err(|e| invalid(e.to_string()))?,
            )
            .build()
            .map_err(|e| invalid(e.to_string()))?;
        let batch = ChangeBatch::builder()
            .changes(
                Change::builder()
                    .action(ChangeAction::Upsert)
                    .resource_record_set(record)
                    .build()
                    .map_err(|e| invalid(e.to_string()))?,
            )
            .build()
            .map_err(|e| invalid(e.to_string()))?;
        route53
            .change_resource_record_sets()
            .hosted_zone_id(zone)
            .change_batch(batch)
            .send()
            .await
            .map_err(classify)?;
    }
    Ok(())
}

/// Deletes the certificate and the validation records written for it, which would otherwise
/// keep its hosted zone from being deleted.
pub(crate) async fn delete(
    client: &Client,
    route53: &aws_sdk_route53::Client,
    physical_id: &str,
) -> Result<(), ProviderError> {
    let described = client
        .describe_certificate()
        .certificate_arn(physical_id)
        .send()
        .await
        .map_err(classify)?;
    let names: Vec<String> = described
        .certificate()
        .map(aws_sdk_acm::types::CertificateDetail::domain_validation_options)
        .unwrap_or_default()
        .iter()
        .filter_map(|o| o.resource_record().map(|r| r.name().to_owned()))
        .collect();
    if !names.is_empty() {
        let zones = route53.list_hosted_zones().send().await.map_err(classify)?;
        for name in names {
            let zone = zones
                .hosted_zones()
                .iter()
                .filter(|z| {
                    name.trim_end_matches('.')
                        .ends_with(z.name().trim_end_matches('.'))
                })
                .max_by_key(|z| z.name().len());
            if let Some(zone) = zone {
                let zone_id = zone.id().trim_start_matches("/hostedzone/");
                crate::route53::delete(
                    route53,
                    "AWS::Route53::RecordSet",
                    &format!("{zone_id}|{name}|CNAME"),
                )
                .await?;
            }
        }
    }
    client
        .delete_certificate()
        .certificate_arn(physical_id)
        .send()
        .await
        .map(|_| ())
        .map_err(classify)
}

pub(crate) async fn read(
    client: &Client,
    physical_id: &str,
) -> Result<Option<Attributes>, ProviderError> {
    match client
        .describe_certificate()
        .certificate_arn(physical_id)
        .send()
        .await
        .map_err(classify)
    {
        Ok(_) => Ok(Some(created(physical_id).attributes)),
        Err(e) if e.kind == ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// Every property of a certificate forces replacement; tags are the only in-place change and
/// are left as created.
pub(crate) fn update(_inputs: &Inputs) -> Attributes {
    Attributes::new()
}
