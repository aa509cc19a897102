import { ArnFormat, Stack } from 'aws-cdk-lib';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import {
  ConfigurationSet,
  ConfigurationSetTlsPolicy,
  EmailIdentity,
  EmailSendingEvent,
  EventDestination,
  Identity,
  SuppressionReasons,
} from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';

export interface StegvisMailProps {
  /** The sender address of every e-mail (MAIL_FROM). */
  readonly mailFrom: string;
  /**
   * Verify this whole domain (Easy DKIM) instead of the single sender address. Recommended in
   * production: DKIM-signed mail from a verified domain reaches inboxes; an address identity
   * only needs a click on the verification mail.
   * @default - the address `mailFrom` is the identity
   */
  readonly mailDomain?: string;
}

/**
 * SES: the sender identity and the configuration set every message is sent through (reputation
 * metrics on, sending on, TLS required, the account suppression list for bounces and complaints),
 * which publishes bounces and complaints to EventBridge.
 */
export class StegvisMail extends Construct {
  readonly mailFrom: string;
  readonly identity: EmailIdentity;
  readonly configurationSet: ConfigurationSet;
  readonly configurationSetArn: string;

  constructor(scope: Construct, id: string, props: StegvisMailProps) {
    super(scope, id);
    this.mailFrom = props.mailFrom;
    if (props.mailDomain && !props.mailFrom.toLowerCase().endsWith(`@${props.mailDomain.toLowerCase()}`)) {
      throw new Error(`mailFrom ${props.mailFrom} is not an address of mailDomain ${props.mailDomain}`);
    }
    this.configurationSet = new ConfigurationSet(this, 'ConfigurationSet', {
      reputationMetrics: true,
      sendingEnabled: true,
      tlsPolicy: ConfigurationSetTlsPolicy.REQUIRE,
      suppressionReasons: SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
    // Bounces and complaints go to the default event bus, where a rule hands them to Stegvis
    // (functions/tasks/mail-events.ts): the address is marked on its case for the coordinator.
    this.configurationSet.addEventDestination('BouncesAndComplaints', {
      destination: EventDestination.eventBus(EventBus.fromEventBusName(this, 'DefaultBus', 'default')),
      events: [EmailSendingEvent.BOUNCE, EmailSendingEvent.COMPLAINT],
    });
    this.identity = new EmailIdentity(this, 'Identity', {
      identity: props.mailDomain ? Identity.domain(props.mailDomain) : Identity.email(props.mailFrom),
      configurationSet: this.configurationSet,
    });
    this.configurationSetArn = Stack.of(this).formatArn({
      service: 'ses',
      resource: 'configuration-set',
      resourceName: this.configurationSet.configurationSetName,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
  }

  /** MAIL_FROM and SES_CONFIGURATION_SET, as functions/adapters/config.ts reads them. */
  get environment(): Record<string, string> {
    return {
      MAIL_FROM: this.mailFrom,
      SES_CONFIGURATION_SET: this.configurationSet.configurationSetName,
    };
  }

  /**
   * Any identity ARN SES checks, not just the sender's: while the account is in the SES sandbox,
   * SES also authorizes each recipient's (verified) identity. The sender stays fixed by the
   * ses:FromAddress condition, and sending only goes through the configuration set.
   */
  get identitiesArn(): string {
    return Stack.of(this).formatArn({
      service: 'ses',
      resource: 'identity',
      resourceName: '*',
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
  }

  /** Send (SESv2 SendEmail, raw or not) as MAIL_FROM only, through the configuration set. */
  grantSend(grantee: IGrantable): void {
    const fromAddress = /<([^>]+)>/.exec(this.mailFrom)?.[1] ?? this.mailFrom;
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['ses:SendEmail', 'ses:SendRawEmail'],
        resources: [this.identitiesArn, this.configurationSetArn],
        conditions: { StringEquals: { 'ses:FromAddress': fromAddress.trim() } },
      }),
    );
  }
}
