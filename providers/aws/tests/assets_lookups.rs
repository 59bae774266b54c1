//! File assets and lookups against moto server: the asset bucket made on first use (encrypted,
//! versioned, private, tagged), content uploaded once whatever stack or run asks for it, a
//! stranger's bucket of the same name refused; an SSM parameter and a hosted zone resolved at
//! deploy, recorded in state, read again on refresh.
//!
//! Everything here is read back with SDK calls written in this file, not the provider's.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use aws_config::SdkConfig;
use stratus_aws::testing::Moto;
use stratus_aws::{AwsProvider, Wait, s3_client};
use stratus_core::asset::Asset;
use stratus_core::compute::{LaunchTemplate, MachineImage};
use stratus_core::deploy::{Action, Deployer, MemoryBackend, StateBackend};
use stratus_core::dns::{Certificate, HostedZone};
use stratus_core::prelude::*;

/// The asset bucket of moto's account in us-east-1.
const BUCKET: &str = "stratus-assets-123456789012-us-east-1";

fn deployer(config: &SdkConfig) -> (Deployer, Arc<MemoryBackend>) {
    let backend = Arc::new(MemoryBackend::new());
    let provider = AwsProvider::new(config).with_wait(Wait::uniform(
        Duration::from_millis(50),
        Duration::from_secs(60),
    ));
    (Deployer::new(Arc::new(provider), backend.clone()), backend)
}

fn app_dir(root: &Path, body: &str) -> std::path::PathBuf {
    let dir = root.join("app");
    std::fs::create_dir_all(dir.join("templates")).unwrap();
    std::fs::write(dir.join("app.py"), body).unwrap();
    std::fs::write(dir.join("templates/index.html"), "<h1>news</h1>\n").unwrap();
    dir
}

fn asset_stack(name: &str, dir: &Path) -> (Stack, Asset) {
    let mut stack = Stack::new(name, Environment::region("us-east-1"));
    let asset = Asset::directory("app-code", dir, &mut stack);
    (stack, asset)
}

/// How many versions the bucket holds of a key: one per upload (the bucket is versioned).
async fn versions(s3: &aws_sdk_s3::Client, key: &str) -> usize {
    s3.list_object_versions()
        .bucket(BUCKET)
        .prefix(key)
        .send()
        .await
        .unwrap()
        .versions()
        .iter()
        .filter(|v| v.key() == Some(key))
        .count()
}

/// The bucket: made on first use, as the bootstrap says.
async fn assert_bootstrapped(s3: &aws_sdk_s3::Client) {
    let tags = s3.get_bucket_tagging().bucket(BUCKET).send().await.unwrap();
    assert!(
        tags.tag_set()
            .iter()
            .any(|t| t.key() == "stratus:bootstrap" && t.value() == "assets"),
        "{tags:?}"
    );
    // Versioned: a second put of one key keeps both. (Read by behaviour: the emulator's
    // GetBucketVersioning answer is one the SDK cannot parse.)
    for body in [&b"1"[..], &b"2"[..]] {
        s3.put_object()
            .bucket(BUCKET)
            .key("probe/versioning")
            .body(aws_sdk_s3::primitives::ByteStream::from(body.to_vec()))
            .send()
            .await
            .unwrap();
    }
    assert_eq!(versions(s3, "probe/versioning").await, 2);
    let encryption = s3
        .get_bucket_encryption()
        .bucket(BUCKET)
        .send()
        .await
        .unwrap();
    let rule = &encryption
        .server_side_encryption_configuration()
        .unwrap()
        .rules()[0];
    assert_eq!(
        rule.apply_server_side_encryption_by_default()
            .unwrap()
            .sse_algorithm()
            .as_str(),
        "AES256"
    );
    let block = s3
        .get_public_access_block()
        .bucket(BUCKET)
        .send()
        .await
        .unwrap();
    let block = block.public_access_block_configuration().unwrap();
    assert_eq!(
        (
            block.block_public_acls(),
            block.block_public_policy(),
            block.ignore_public_acls(),
            block.restrict_public_buckets()
        ),
        (Some(true), Some(true), Some(true), Some(true))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_asset_is_uploaded_once_to_a_private_versioned_encrypted_bucket_that_outlives_stacks() {
    let moto = Moto::start();
    let config = moto.config().await;
    let s3 = s3_client(&config);
    let temp = tempfile::tempdir().unwrap();
    let dir = app_dir(temp.path(), "print('v1')\n");
    let (deployer, backend) = deployer(&config);

    let (stack, asset) = asset_stack("news", &dir);
    let report = deployer.deploy(&stack).await.unwrap();
    assert!(report.succeeded(), "{report:?}");

    assert_bootstrapped(&s3).await;

    // The object: the zip of the directory, under its hash.
    let key = asset.object_key().to_owned();
    let object = s3
        .get_object()
        .bucket(BUCKET)
        .key(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(
        object.metadata().unwrap()["stratus-hash"],
        asset.hash(),
        "the object carries the hash it is keyed by"
    );
    let bytes = object.body.collect().await.unwrap().into_bytes();
    assert_eq!(&bytes[..2], b"PK", "a zip");
    assert!(
        bytes.windows(6).any(|w| w == b"app.py") && bytes.windows(10).any(|w| w == b"index.html"),
        "both files are in the zip"
    );
    assert_eq!(versions(&s3, &key).await, 1);

    // State records where it is, as the references resolve.
    let state = backend.load().await.unwrap().unwrap();
    let recorded = &state.resources["AppCode"];
    assert_eq!(recorded.physical_id, format!("s3://{BUCKET}/{key}"));
    assert_eq!(recorded.attributes["Bucket"], BUCKET);
    assert_eq!(
        recorded.attributes["ObjectArn"],
        format!("arn:aws:s3:::{BUCKET}/{key}")
    );

    // Unchanged content: nothing to do, nothing uploaded.
    let plan = deployer.plan(&stack).await.unwrap();
    assert!(!plan.has_changes(), "{}", plan.render(false));
    deployer.deploy(&stack).await.unwrap();
    assert_eq!(
        versions(&s3, &key).await,
        1,
        "a no-change redeploy uploads nothing"
    );

    // Another stack with the same content (its own, empty state) finds the object.
    let (other_deployer, _) = self::deployer(&config);
    let (other, same) = asset_stack("other", &dir);
    assert_eq!(same.object_key(), key);
    other_deployer.deploy(&other).await.unwrap();
    assert_eq!(
        versions(&s3, &key).await,
        1,
        "equal content is not uploaded again"
    );

    // New content: a new object, planned as a replacement of the asset; the old one stays.
    std::fs::write(dir.join("app.py"), "print('v2')\n").unwrap();
    let (changed, new_asset) = asset_stack("news", &dir);
    assert_ne!(new_asset.object_key(), key);
    let plan = deployer.plan(&changed).await.unwrap();
    assert!(
        matches!(
            plan.change("AppCode").unwrap().action,
            Action::Replace { .. }
        ),
        "{}",
        plan.render(false)
    );
    deployer.deploy(&changed).await.unwrap();
    assert_eq!(versions(&s3, new_asset.object_key()).await, 1);

    // Destroy forgets the assets: the bucket and every object stay for other stacks.
    deployer.destroy("news").await.unwrap();
    other_deployer.destroy("other").await.unwrap();
    assert!(
        backend
            .load()
            .await
            .unwrap()
            .is_none_or(|s| s.resources.is_empty())
    );
    assert_eq!(versions(&s3, &key).await, 1);
    assert_eq!(versions(&s3, new_asset.object_key()).await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bucket_of_the_asset_name_that_is_not_stratus_is_refused_and_left_alone() {
    let moto = Moto::start();
    let config = moto.config().await;
    let s3 = s3_client(&config);
    s3.create_bucket().bucket(BUCKET).send().await.unwrap();
    s3.put_object()
        .bucket(BUCKET)
        .key("someone-elses.txt")
        .body(aws_sdk_s3::primitives::ByteStream::from_static(b"mine"))
        .send()
        .await
        .unwrap();
    let temp = tempfile::tempdir().unwrap();
    let (stack, _) = asset_stack("news", &app_dir(temp.path(), "print(1)\n"));
    let (deployer, _) = deployer(&config);
    let report = deployer.deploy(&stack).await.unwrap();
    assert!(!report.succeeded());
    let error = &report.failed[0].1;
    assert!(
        error.contains(BUCKET) && error.contains("stratus:bootstrap"),
        "{error}"
    );
    let listed = s3.list_objects_v2().bucket(BUCKET).send().await.unwrap();
    let keys: Vec<&str> = listed.contents().iter().filter_map(|o| o.key()).collect();
    assert_eq!(keys, ["someone-elses.txt"], "nothing was uploaded into it");
    assert!(
        s3.get_bucket_tagging().bucket(BUCKET).send().await.is_err(),
        "and it was not tagged"
    );
}

fn image_stack(image: MachineImage) -> Stack {
    let mut stack = Stack::new("images", Environment::region("us-east-1"));
    LaunchTemplate::builder("lt")
        .name("images-lt")
        .machine_image(image)
        .build(&mut stack);
    stack
}

/// The image of the launch template's latest version, read with EC2.
async fn template_image(ec2: &aws_sdk_ec2::Client) -> String {
    let versions = ec2
        .describe_launch_template_versions()
        .launch_template_name("images-lt")
        .versions("$Latest")
        .send()
        .await
        .unwrap();
    versions.launch_template_versions()[0]
        .launch_template_data()
        .unwrap()
        .image_id()
        .unwrap()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_newest_amazon_linux_comes_from_its_public_parameter_and_a_new_value_is_an_update() {
    let moto = Moto::start();
    let config = moto.config().await;
    let ssm = aws_sdk_ssm::Client::new(&config);
    let ec2 = aws_sdk_ec2::Client::new(&config);

    // AWS's public parameter, as the emulator serves it.
    let (deployer, backend) = deployer(&config);
    deployer
        .deploy(&image_stack(MachineImage::latest_amazon_linux_2023()))
        .await
        .unwrap();
    let public = ssm
        .get_parameter()
        .name(stratus_core::compute::AL2023_X86_64)
        .send()
        .await
        .unwrap();
    let latest = public.parameter().unwrap().value().unwrap().to_owned();
    assert!(latest.starts_with("ami-"), "{latest}");
    assert_eq!(template_image(&ec2).await, latest);
    let state = backend.load().await.unwrap().unwrap();
    let lookup = state
        .resources
        .values()
        .find(|r| r.type_name == "Stratus::Lookup::SsmParameter")
        .unwrap();
    assert_eq!(
        lookup.attributes["Value"],
        latest.as_str(),
        "recorded in state"
    );
    deployer.destroy("images").await.unwrap();

    // A parameter of ours, changed between deploys: the refresh reads the new image and the
    // plan updates the launch template with it.
    let put = |value: &'static str| {
        ssm.put_parameter()
            .name("/stratus-test/golden-image")
            .value(value)
            .r#type(aws_sdk_ssm::types::ParameterType::String)
            .overwrite(true)
            .send()
    };
    put("ami-0123456789abcdef0").await.unwrap();
    let stack = image_stack(MachineImage::from_ssm_parameter(
        "/stratus-test/golden-image",
    ));
    deployer.deploy(&stack).await.unwrap();
    assert_eq!(template_image(&ec2).await, "ami-0123456789abcdef0");
    assert!(!deployer.plan(&stack).await.unwrap().has_changes());

    put("ami-0fedcba9876543210").await.unwrap();
    let plan = deployer.plan(&stack).await.unwrap();
    assert_eq!(
        plan.change("Lt").unwrap().action,
        Action::Update,
        "{}",
        plan.render(false)
    );
    deployer.deploy(&stack).await.unwrap();
    assert_eq!(template_image(&ec2).await, "ami-0fedcba9876543210");

    // A parameter that does not exist: the deploy fails naming it, before the template.
    let missing = image_stack(MachineImage::from_ssm_parameter("/stratus-test/nothing"));
    let (fresh, _) = self::deployer(&config);
    let report = fresh.deploy(&missing).await.unwrap();
    assert_eq!(report.failed.len(), 1, "{report:?}");
    assert!(
        report.failed[0].1.contains("/stratus-test/nothing"),
        "{report:?}"
    );
    assert_eq!(
        report.skipped,
        ["Lt"],
        "nothing that needs the image is made"
    );
}

fn zone_stack(domain: &str) -> Stack {
    let mut stack = Stack::new("edge", Environment::region("us-east-1"));
    let zone = HostedZone::lookup("zone", domain, &mut stack);
    Certificate::builder("cert", format!("app.{domain}"), &zone).build(&mut stack);
    stack
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hosted_zone_is_found_by_its_domain_and_the_certificate_validates_in_it() {
    let moto = Moto::start();
    let config = moto.config().await;
    let route53 = aws_sdk_route53::Client::new(&config);
    // A private zone of the same name, which must not be taken for the public one.
    let ec2 = aws_sdk_ec2::Client::new(&config);
    let vpc = ec2
        .create_vpc()
        .cidr_block("10.9.0.0/16")
        .send()
        .await
        .unwrap();
    route53
        .create_hosted_zone()
        .name("example.org")
        .caller_reference("private")
        .hosted_zone_config(
            aws_sdk_route53::types::HostedZoneConfig::builder()
                .private_zone(true)
                .build(),
        )
        .vpc(
            aws_sdk_route53::types::Vpc::builder()
                .vpc_id(vpc.vpc().unwrap().vpc_id().unwrap())
                .vpc_region(aws_sdk_route53::types::VpcRegion::UsEast1)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let made = route53
        .create_hosted_zone()
        .name("example.org")
        .caller_reference("public")
        .send()
        .await
        .unwrap();
    let zone_id = made
        .hosted_zone()
        .unwrap()
        .id()
        .trim_start_matches("/hostedzone/")
        .to_owned();

    let (deployer, backend) = deployer(&config);
    let stack = zone_stack("example.org");
    deployer.deploy(&stack).await.unwrap();
    let state = backend.load().await.unwrap().unwrap();
    assert_eq!(
        state.resources["Zone"].physical_id, zone_id,
        "recorded in state"
    );

    // ACM's validation record went into the zone that was looked up.
    let records = route53
        .list_resource_record_sets()
        .hosted_zone_id(&zone_id)
        .send()
        .await
        .unwrap();
    assert!(
        records
            .resource_record_sets()
            .iter()
            .any(|r| r.r#type().as_str() == "CNAME"),
        "{records:?}"
    );
    assert!(!deployer.plan(&stack).await.unwrap().has_changes());

    // Destroy forgets the zone: it is not the stack's.
    deployer.destroy("edge").await.unwrap();
    let zone = route53.get_hosted_zone().id(&zone_id).send().await;
    assert!(zone.is_ok(), "the looked-up zone is left alone");

    // No zone serves the domain: the deploy fails naming it, and makes nothing.
    let (fresh, _) = self::deployer(&config);
    let report = fresh.deploy(&zone_stack("example.net")).await.unwrap();
    assert_eq!(report.failed.len(), 1, "{report:?}");
    assert!(report.failed[0].1.contains("example.net"), "{report:?}");
    assert_eq!(
        report.skipped,
        ["Cert"],
        "the certificate waits for its zone"
    );
}
