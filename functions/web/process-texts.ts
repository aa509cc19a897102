import { dateTimeFormat } from '#core/clock';
import { adminText } from './admin-texts.ts';
import { consoleText } from './console-texts.ts';
import type { Lang } from './i18n.ts';
import { privacyText } from './privacy-texts.ts';

/**
 * Texts of the process (phases, steps, actions, fields, choices, notices), Swedish and English.
 * Keys follow the declaration in functions/core/process/declaration.ts; a unit test checks that
 * every phase, action and choice of the declaration has its text in both languages.
 */
type Entry = { sv: string; en: string };
const e = (sv: string, en: string): Entry => ({ sv, en });

export const PROCESS_TEXTS: Record<string, Entry> = {
  // Phases
  phase_intake: e('Ny anvisning: väntar på beslut', 'New referral: waiting for a decision'),
  phase_intakeDeclined: e('Avböjd', 'Declined'),
  phase_queued: e('I kö för en plats', 'In the queue for a place'),
  phase_studyVisitScheduling: e('Väntar på tid för studiebesök', 'Waiting for a study-visit time'),
  phase_studyVisitProposed: e('Inbjudan till studiebesök skickas', 'Study-visit invitation being sent'),
  phase_studyVisitInvited: e('Inbjuden till studiebesök', 'Invited to study visit'),
  phase_studyVisitDeclined: e('Avslutas: vill inte börja', 'Closing: does not want to start'),
  phase_startupScheduling: e(
    'Vill börja: uppstartsmöte ska bokas',
    'Wants to start: start-up meeting to book',
  ),
  phase_startupPlanning: e('Uppstartsmöte och individuell planering', 'Start-up meeting and individual plan'),
  phase_training: e('Arbetsträning pågår', 'In work training'),
  phase_paused: e('Pausad', 'Paused'),
  phase_closing: e('Avslutning', 'Closing'),
  phase_afterClosing: e('Avslutad: uppföljning efter avslut', 'Ended: follow-up after closing'),
  phase_closed: e('Avslutat', 'Closed'),
  // Actions: headings, buttons, notices
  action_decideIntake: e('Ta emot eller avböj anvisningen', 'Accept or decline the referral'),
  action_proposeStudyVisit: e('Föreslå tid för studiebesök', 'Propose a study-visit time'),
  action_recordStudyVisitOutcome: e(
    'Registrera utfall av studiebesöket',
    'Record the outcome of the study visit',
  ),
  action_scheduleStartup: e(
    'Utse handledare och boka uppstartsmöte',
    'Assign a supervisor and book the start-up meeting',
  ),
  action_recordPlan: e(
    'Individuell planering från uppstartsmötet',
    'Individual plan from the start-up meeting',
  ),
  action_recordTalk: e('Registrera handledningssamtal', 'Record a supervision talk'),
  action_scheduleFollowUp: e('Boka uppföljningsmöte', 'Book a follow-up meeting'),
  action_recordFollowUp: e('Registrera uppföljningsmötet', 'Record the follow-up meeting'),
  action_resume: e('Återuppta efter paus', 'Resume after the pause'),
  action_logActivity: e('Registrera aktivitet', 'Log an activity'),
  action_closeEarly: e('Avsluta i förtid', 'Close early'),
  action_scheduleClosing: e('Boka avslutningsmöte', 'Book the closing meeting'),
  action_moveMeeting: e('Flytta mötet', 'Move the meeting'),
  action_cancelMeeting: e('Avboka mötet', 'Cancel the meeting'),
  action_recordClosing: e('Registrera avslutningsmötet', 'Record the closing meeting'),
  action_recordAfterClosing: e('Var är deltagaren nu?', 'Where is the participant now?'),
  action_repair: e('Rätta och fortsätt', 'Correct and continue'),
  action_correctAddress: e('Kontrollera e-postadressen', 'Check the e-mail address'),
  submit_decideIntake: e('Spara beslut', 'Save decision'),
  submit_proposeStudyVisit: e('Skicka inbjudan', 'Send invitation'),
  submit_recordStudyVisitOutcome: e('Spara', 'Save'),
  submit_scheduleStartup: e('Boka och skicka inbjudan', 'Book and send invitation'),
  submit_recordPlan: e('Spara planeringen', 'Save the plan'),
  submit_recordTalk: e('Spara samtalet', 'Save the talk'),
  submit_scheduleFollowUp: e('Boka och skicka inbjudan', 'Book and send invitation'),
  submit_recordFollowUp: e('Spara', 'Save'),
  submit_resume: e('Återuppta', 'Resume'),
  submit_logActivity: e('Spara aktivitet', 'Save activity'),
  submit_closeEarly: e('Påbörja avslut', 'Start closing'),
  submit_scheduleClosing: e('Boka och skicka inbjudan', 'Book and send invitation'),
  submit_moveMeeting: e('Flytta och skicka ny tid', 'Move and send the new time'),
  submit_cancelMeeting: e('Avboka och meddela alla', 'Cancel and tell everyone'),
  submit_recordClosing: e('Spara och avsluta', 'Save and close'),
  submit_recordAfterClosing: e('Spara', 'Save'),
  submit_repair: e('Spara och fortsätt', 'Save and continue'),
  submit_correctAddress: e('Spara och skicka inbjudningarna igen', 'Save and send the invitations again'),
  done_decideIntake: e('Beslutet är sparat.', 'The decision has been saved.'),
  done_proposeStudyVisit: e('Inbjudan skickas.', 'The invitation is being sent.'),
  done_recordStudyVisitOutcome: e('Utfallet är sparat.', 'The outcome has been saved.'),
  done_scheduleStartup: e(
    'Uppstartsmötet är bokat; inbjudan skickas.',
    'The start-up meeting is booked; the invitation is being sent.',
  ),
  done_recordPlan: e(
    'Planeringen är sparad. Arbetsträningen har börjat.',
    'The plan has been saved. Work training has started.',
  ),
  done_recordTalk: e('Samtalet är sparat.', 'The talk has been saved.'),
  done_scheduleFollowUp: e(
    'Uppföljningsmötet är bokat; inbjudan skickas.',
    'The follow-up meeting is booked; the invitation is being sent.',
  ),
  done_recordFollowUp: e('Uppföljningen är sparad.', 'The follow-up has been saved.'),
  done_resume: e('Arbetsträningen är återupptagen.', 'Work training has resumed.'),
  done_logActivity: e('Aktiviteten är sparad.', 'The activity has been saved.'),
  done_closeEarly: e(
    'Avslutet har påbörjats. Boka avslutningsmötet.',
    'Closing has started. Book the closing meeting.',
  ),
  done_moveMeeting: e(
    'Mötet är flyttat. Alla i mötet får den nya tiden, och kalendrarna uppdateras.',
    'The meeting is moved. Everyone in it gets the new time, and their calendars update.',
  ),
  done_cancelMeeting: e(
    'Mötet är avbokat. Alla i mötet får ett meddelande, och det tas bort ur kalendrarna.',
    'The meeting is cancelled. Everyone in it is told, and it is removed from their calendars.',
  ),
  done_scheduleClosing: e(
    'Avslutningsmötet är bokat; inbjudan skickas.',
    'The closing meeting is booked; the invitation is being sent.',
  ),
  done_recordClosing: e(
    'Avslutet är sparat. Platsen är ledig.',
    'The closing has been saved. The place is free.',
  ),
  done_recordAfterClosing: e('Svaret är sparat.', 'The answer has been saved.'),
  done_repair: e(
    'Uppgifterna är rättade; arbetsflödet fortsätter.',
    'The details are corrected; the workflow continues.',
  ),
  done_correctAddress: e(
    'Adressen är sparad. Inbjudningar till kommande möten skickas till den igen.',
    'The address has been saved. Invitations to coming meetings are sent to it again.',
  ),
  // Fields
  field_decision: e('Beslut', 'Decision'),
  field_declineReasonReferrer: e('Skäl (visas för anvisaren)', 'Reason (shown to the referrer)'),
  field_labourMarketStatus: e('Ställning på arbetsmarknaden', 'Labour-market status'),
  field_education: e('Högsta utbildning', 'Highest education'),
  field_disability: e('Funktionsnedsättning', 'Disability'),
  field_foreignBackground: e('Utländsk bakgrund', 'Foreign background'),
  field_targetGroup: e('Målgrupp i projektet', "The project's target group"),
  field_qualificationGained: e(
    'Har deltagaren fått en kvalifikation (t.ex. betyg, intyg, certifikat)?',
    'Has the participant gained a qualification (e.g. grades, a certificate)?',
  ),
  'issue_targetGroup.format': e(
    'Välj en av projektets målgrupper.',
    "Choose one of the project's target groups.",
  ),
  field_supervisor: e('Handledare', 'Supervisor'),
  field_inviteCaseOfficer: e('Bjud in handläggaren också?', 'Invite the case officer too?'),
  field_goals: e('Utvecklingsmål', 'Development goals'),
  field_tasks: e(
    'Arbetsuppgifter (valda tillsammans med deltagaren)',
    'Work tasks (chosen with the participant)',
  ),
  field_tasksAfter: e('Arbetsuppgifter efter mötet', 'Work tasks after the meeting'),
  field_percent: e('Arbetstid att börja med', 'Starting working time'),
  field_adaptations: e('Anpassningar', 'Adaptations'),
  field_startDate: e('Startdatum', 'Start date'),
  field_capacityDeclined: e('Har arbetsförmågan försämrats tydligt?', 'Has work capacity clearly declined?'),
  field_participantPresent: e('Var deltagaren med?', 'Was the participant present?'),
  field_caseOfficerPresent: e('Var handläggaren med?', 'Was the case officer present?'),
  field_summary: e('Sammanfattning', 'Summary'),
  field_followUpDecision: e('Beslut om arbetstid', 'Decision on working time'),
  field_newPercent: e('Ny arbetstid (procent)', 'New working time (percent)'),
  hint_newPercent: e('Bara vid ökning eller minskning.', 'Only for an increase or a decrease.'),
  field_reason: e('Skäl', 'Reason'),
  field_statementDate: e('Läkarutlåtandets datum', "Date of the doctor's statement"),
  field_maxPercent: e(
    'Högsta arbetstid enligt utlåtandet (procent)',
    'Highest working time per the statement (percent)',
  ),
  field_resumePercent: e('Arbetstid att återuppta med (procent)', 'Working time to resume at (percent)'),
  field_avoidTasks: e('Uppgifter att undvika', 'Tasks to avoid'),
  field_activityKind: e('Aktivitet', 'Activity'),
  field_note: e('Anteckning', 'Note'),
  field_earlyReason: e('Skäl till avslut', 'Reason for closing'),
  field_evaluation: e('Utvärdering', 'Evaluation'),
  field_closingOutcome: e('Utfall', 'Outcome'),
  field_explanation: e('Förklaring', 'Explanation'),
  hint_explanation: e(
    'Krävs om det saknas realistiska förutsättningar för ett nästa steg.',
    'Required when there is no realistic next step.',
  ),
  field_nextStepPlan: e('Plan för nästa steg', 'Next-step plan'),
  field_whereNow: e('Var är deltagaren nu?', 'Where is the participant now?'),
  // Choices
  intake_accepted: e('Ta emot', 'Accept'),
  intake_declined: e('Avböj', 'Decline'),
  lms_unemployed: e('Arbetslös', 'Unemployed'),
  lms_longTermUnemployed: e('Långtidsarbetslös', 'Long-term unemployed'),
  lms_inactive: e('Utanför arbetskraften', 'Inactive'),
  lms_employed: e('Anställd', 'Employed'),
  edu_isced0to2: e('Grundskola eller lägre (ISCED 0–2)', 'Lower secondary or less (ISCED 0–2)'),
  edu_isced3to4: e('Gymnasium (ISCED 3–4)', 'Upper secondary (ISCED 3–4)'),
  edu_isced5to8: e('Eftergymnasial (ISCED 5–8)', 'Tertiary (ISCED 5–8)'),
  yn_yes: e('Ja', 'Yes'),
  yn_no: e('Nej', 'No'),
  yn_undisclosed: e('Vill inte uppge', 'Do not want to say'),
  fb_no: e('Nej', 'No'),
  fb_foreignBackground: e('Utländsk bakgrund', 'Foreign background'),
  fb_thirdCountryNational: e('Medborgare i land utanför EU', 'Third-country national'),
  fb_undisclosed: e('Vill inte uppge', 'Do not want to say'),
  tg_illHealthFirstTraining: e(
    'Ohälsa, redo för en första arbetsträning',
    'Ill-health, ready for a first work training',
  ),
  tg_nonNordicSwedish: e('Utomnordisk bakgrund, behöver svenska', 'Non-Nordic background, needs Swedish'),
  tg_formerParticipants: e('Tidigare deltagare som går vidare', 'Former participants moving on'),
  tg_notRecorded: e('Inte angiven', 'Not recorded'),
  decision_noChange: e('Ingen ändring', 'No change'),
  decision_increase: e('Öka ett steg', 'Increase one step'),
  decision_decrease: e('Minska', 'Decrease'),
  decision_pause: e('Pausa arbetsträningen', 'Pause the work training'),
  activity_cvHelp: e('CV-hjälp', 'CV help'),
  activity_jobFair: e('Jobbmässa', 'Job fair'),
  activity_studyVisit: e('Studiebesök', 'Study visit'),
  activity_languageCafe: e('Språkcafé', 'Language café'),
  activity_guidanceTalk: e('Vägledningssamtal', 'Guidance talk'),
  activity_shortCourse: e('Kortare kurs', 'Short course'),
  activity_other: e('Annat', 'Other'),
  early_gotJob: e('Fått arbete', 'Got a job'),
  early_studies: e('Börjar studera', 'Moving on to studies'),
  early_left: e('Avbrutit', 'Left'),
  early_movedAway: e('Flyttat', 'Moved away'),
  early_other: e('Annat', 'Other'),
  result_workWithoutSupport: e('Arbete utan stöd', 'Work without support'),
  result_workWithSupport: e('Arbete med stöd', 'Work with support'),
  result_studiesKomvux: e('Studier: Komvux', 'Studies: KOMVUX'),
  result_studiesSfi: e('Studier: SFI', 'Studies: SFI'),
  result_studiesFolkHighSchool: e('Studier: folkhögskola', 'Studies: folk high school'),
  result_studiesOther: e('Studier: annat', 'Studies: other'),
  result_internship: e('Praktik', 'Internship'),
  result_otherMeasure: e('Annan insats', 'Another measure'),
  result_jobSeeking: e('Arbetssökande', 'Job seeking'),
  result_sickLeaveOrCare: e('Sjukskrivning eller vård', 'Sick leave or care'),
  result_noRealisticNextStep: e('Inget realistiskt nästa steg', 'No realistic next step'),
  talk_developmentGoals: e('Utvecklingsmål för perioden', 'Development goals for the period'),
  talk_capacityAndHours: e('Arbetsförmåga och arbetstid', 'Work capacity and working hours'),
  talk_workEnvironment: e('Arbetsmiljö', 'Work environment'),
  talk_whatWorks: e('Möjligheter och vad som fungerar', 'Possibilities and what works'),
  talk_challenges: e('Utmaningar och orsaker', 'Challenges and their reasons'),
  talk_nextGoals: e('Mål för nästa period', 'Goals for the next period'),
  talk_actionPlan: e('Handlingsplan för nästa period', 'Action plan for the next period'),
  meeting_studyVisit: e('Studiebesök', 'Study visit'),
  meeting_startup: e('Uppstartsmöte', 'Start-up meeting'),
  meeting_followUp: e('Uppföljningsmöte', 'Follow-up meeting'),
  meeting_closing: e('Avslutningsmöte', 'Closing meeting'),
  wt_start: e('start', 'start'),
  wt_increase: e('ökning', 'increase'),
  wt_decrease: e('minskning', 'decrease'),
  wt_resume: e('återupptagen efter paus', 'resumed after a pause'),
  // Workflow states (admin run views)
  state_Start: e('Startar', 'Starting'),
  state_LoadCase: e('Läser ärendet', 'Reading the case'),
  state_Route: e('Väljer steg', 'Choosing the step'),
  state_AwaitIntakeDecision: e('Väntar på beslut om anvisningen', 'Waiting for the referral decision'),
  state_AwaitPlaceAvailable: e('Väntar på en ledig plats', 'Waiting for a free place'),
  state_AwaitStudyVisitProposal: e('Väntar på tid för studiebesök', 'Waiting for a study-visit time'),
  state_AwaitStudyVisitOutcome: e('Väntar på utfall av studiebesök', 'Waiting for the study-visit outcome'),
  state_AwaitStartupMeeting: e(
    'Väntar på att uppstartsmötet bokas',
    'Waiting for the start-up meeting to be booked',
  ),
  state_AwaitIndividualPlan: e('Väntar på individuell planering', 'Waiting for the individual plan'),
  state_AwaitTraining: e('Arbetsträning: väntar på nästa händelse', 'Training: waiting for the next event'),
  state_AwaitPaused: e('Pausad: väntar på återupptagande', 'Paused: waiting to resume'),
  state_AwaitClosing: e('Avslutning: väntar på mötet', 'Closing: waiting for the meeting'),
  state_AwaitAfterClosing: e('Väntar på uppföljning efter avslut', 'Waiting for the follow-up after closing'),
  state_AwaitRepair: e('Väntar på rättning', 'Waiting for a correction'),
  state_HandleDeadlines: e('Skickar påminnelser', 'Sending reminders'),
  state_NotifyCoordinators: e('Meddelar praktikansvariga', 'Notifying coordinators'),
  state_SendInvitation: e('Skickar inbjudan', 'Sending the invitation'),
  state_ReleasePlace: e('Lämnar tillbaka platsen', 'Giving the place back'),
  state_CloseCase: e('Avslutar ärendet', 'Closing the case'),
  state_RecordFailure: e('Registrerar ett fel', 'Recording a failure'),
  state_ContinueAsNew: e('Fortsätter i ny körning', 'Continuing in a new run'),
  state_SegmentDone: e('Körningen fortsätter i nästa', 'Run continued in the next'),
  state_CaseClosed: e('Ärendet avslutat', 'Case closed'),
  state_UnknownRoute: e('Okänt steg', 'Unknown step'),
  state_FailedForGood: e('Misslyckades', 'Failed'),
  // Issue codes of the process forms and rules
  issue_time: e('Ange tiden som TT:MM, t.ex. 09:30.', 'Enter the time as HH:MM, e.g. 09:30.'),
  issue_order: e('Sluttiden måste vara efter starttiden.', 'The end time must be after the start time.'),
  issue_past: e('Tiden måste ligga i framtiden.', 'The time must be in the future.'),
  issue_tooFar: e(
    'Tiden kan ligga högst {months} månader fram. Kontrollera året.',
    'The time can be at most {months} months ahead. Check the year.',
  ),
  issue_clash: e(
    'Tiden krockar med ett annat bokat möte (ärende {reference}, {start}). Välj en annan tid.',
    'The time clashes with another booked meeting (case {reference}, {start}). Choose another time.',
  ),
  issue_tooLarge: e('Formuläret är för stort.', 'The form is too large.'),
  issue_json: e('Ogiltig JSON.', 'Invalid JSON.'),
  // The referral form, field by field
  'issue_participantName.required': e('Ange deltagarens namn.', "Enter the participant's name."),
  'issue_participantName.length': e('Namnet ska vara 2–200 tecken.', 'The name must be 2–200 characters.'),
  'issue_identityNumber.required': e(
    'Ange ett personnummer eller samordningsnummer.',
    'Please enter a personal identity number or coordination number.',
  ),
  'issue_identityNumber.format': e(
    'Numret har fel format. Skriv det som ÅÅMMDD-NNNN eller ÅÅÅÅMMDD-NNNN.',
    'The number has the wrong format. Write it as YYMMDD-NNNN or YYYYMMDD-NNNN.',
  ),
  'issue_identityNumber.date': e(
    'Numret innehåller inget giltigt datum. Kontrollera år, månad och dag.',
    'The number does not contain a valid date. Please check the year, month and day.',
  ),
  'issue_identityNumber.future': e(
    'Födelsedatumet kan inte ligga i framtiden. Kontrollera numret.',
    'The date of birth cannot be in the future. Please check the number.',
  ),
  'issue_identityNumber.serial000': e(
    'Födelsenumret 000 delas aldrig ut. Kontrollera de fyra sista siffrorna.',
    'The serial number 000 is never issued. Please check the last four digits.',
  ),
  'issue_identityNumber.checksum': e(
    'Kontrollsiffran stämmer inte. Kontrollera numret.',
    'The check digit does not match. Please check the number.',
  ),
  'issue_email.required': e('Ange deltagarens e-postadress.', "Enter the participant's e-mail address."),
  'issue_email.format': e(
    'E-postadressen ser inte giltig ut, t.ex. namn@exempel.se.',
    'The e-mail address does not look valid, e.g. name@example.com.',
  ),
  'issue_phone.required': e('Ange deltagarens telefonnummer.', "Enter the participant's phone number."),
  'issue_phone.format': e(
    'Telefonnumret får bara innehålla siffror, mellanslag, bindestreck och +, minst sex siffror.',
    'The phone number may only contain digits, spaces, hyphens and +, at least six digits.',
  ),
  'issue_gender.required': e(
    'Välj kön för statistiken (eller "vill inte uppge").',
    'Choose a gender for the statistics (or "do not want to say").',
  ),
  'issue_placementAgreementRef.required': e(
    'Ange referens till praktiköverenskommelsen.',
    'Enter the placement agreement reference.',
  ),
  'issue_placementAgreementRef.length': e(
    'Referensen får vara högst {max} tecken.',
    'The reference may be at most {max} characters.',
  ),
  'issue_unitId.required': e('Välj önskad arbetsplats.', 'Choose the wished work place.'),
  'issue_languageSupport.required': e(
    'Ange om deltagaren behöver språkstöd.',
    'State whether the participant needs language support.',
  ),
  'issue_participantEmail.required': e(
    'Ange deltagarens e-postadress.',
    "Enter the participant's e-mail address.",
  ),
  'issue_participantEmail.format': e(
    'Ange en e-postadress som kan ta emot e-post, till exempel namn@exempel.se.',
    'Enter an e-mail address that can receive mail, for example name@example.se.',
  ),
  'issue_caseOfficerEmail.required': e(
    'Ange handläggarens e-postadress.',
    "Enter the case officer's e-mail address.",
  ),
  'issue_caseOfficerEmail.format': e(
    'Ange en e-postadress som kan ta emot e-post, till exempel namn@exempel.se.',
    'Enter an e-mail address that can receive mail, for example name@example.se.',
  ),
  'issue_supervisorEmail.format': e(
    'Ange en e-postadress som kan ta emot e-post, till exempel namn@exempel.se.',
    'Enter an e-mail address that can receive mail, for example name@example.se.',
  ),
  'issue_mailLanguage.required': e(
    'Välj språk för e-post till deltagaren.',
    'Choose the language of e-mail to the participant.',
  ),
  'issue_language.required': e(
    'Ange vilket språk stödet ska ges på.',
    'Enter the language the support should be given in.',
  ),
  'issue_plannedStart.date': e(
    'Ange ett giltigt startdatum (ÅÅÅÅ-MM-DD).',
    'Enter a valid start date (YYYY-MM-DD).',
  ),
  'issue_plannedStart.past': e(
    'Startdatumet får inte ligga mer än {months} månad bakåt i tiden.',
    'The start date may not be more than {months} month in the past.',
  ),
  'issue_plannedEnd.date': e(
    'Ange ett giltigt slutdatum (ÅÅÅÅ-MM-DD).',
    'Enter a valid end date (YYYY-MM-DD).',
  ),
  'issue_plannedEnd.order': e(
    'Slutdatumet måste vara efter startdatumet.',
    'The end date must be after the start date.',
  ),
  'issue_plannedEnd.tooLong': e(
    'En arbetsträning kan pågå högst {months} månader.',
    'A work training can last at most {months} months.',
  ),
  'issue_submissionId.format': e(
    'Formuläret har gått ut. Ladda om sidan och försök igen.',
    'The form has expired. Reload the page and try again.',
  ),
  // The meeting-time form (study visit and every meeting)
  'issue_location.required': e('Ange plats för mötet.', 'Enter the place of the meeting.'),
  'issue_date.past': e('Tiden måste ligga i framtiden.', 'The time must be in the future.'),
  'issue_startTime.time': e('Ange starttid som TT:MM.', 'Enter the start time as HH:MM.'),
  'issue_endTime.time': e('Ange sluttid som TT:MM.', 'Enter the end time as HH:MM.'),
  issue_required: e('Fyll i det här fältet.', 'Fill in this field.'),
  issue_length: e('Högst {max} tecken.', 'At most {max} characters.'),
  issue_tooShort: e('Skriv minst {min} tecken.', 'Write at least {min} characters.'),
  issue_date: e('Ange ett giltigt datum (ÅÅÅÅ-MM-DD).', 'Enter a valid date (YYYY-MM-DD).'),
  issue_percent: e('Ange en procentsats mellan 1 och 100.', 'Enter a percentage from 1 to 100.'),
  issue_format: e('Värdet har fel format.', 'The value has the wrong format.'),
  issue_future: e('Datumet får inte ligga i framtiden.', 'The date cannot be in the future.'),
  issue_beforeStart: e(
    'Datumet ligger före arbetsträningens start.',
    'The date is before the training started.',
  ),
  issue_beforeMeeting: e(
    'Startdatumet ligger före uppstartsmötet.',
    'The start date is before the start-up meeting.',
  ),
  issue_unknownTask: e('Välj bland arbetsplatsens uppgifter.', "Choose among the work place's tasks."),
  issue_notOnLadder: e(
    'Välj ett steg på arbetsplatsens arbetstidstrappa ({ladder} %).',
    "Choose a step of the work place's working-time ladder ({ladder} %).",
  ),
  issue_aboveCap: e('Högst {cap} % enligt läkarutlåtandet.', "At most {cap} % under the doctor's statement."),
  issue_increaseNeedsBoth: e(
    'En ökning beslutas bara på ett uppföljningsmöte där både deltagaren och handläggaren är med.',
    'An increase is decided only at a follow-up meeting where both the participant and the case officer are present.',
  ),
  issue_oneStep: e(
    'Öka ett steg i taget: nästa steg är {next} %.',
    'Increase one step at a time: the next step is {next} %.',
  ),
  issue_ladderTop: e(
    'Arbetstiden är redan på trappans högsta steg.',
    'Working time is already at the top of the ladder.',
  ),
  issue_landing: e(
    'Efter en ökning landar deltagaren {weeks} veckor innan nästa. Nästa ökning tidigast {from}.',
    'After an increase the participant lands {weeks} weeks before the next. Next increase on {from} at the earliest.',
  ),
  issue_noTaskChangeWithIncrease: e(
    'Byt inte arbetsuppgifter i samma beslut som en ökning av arbetstiden.',
    'Do not change work tasks in the same decision as an increase of working time.',
  ),
  issue_decreaseBelow: e(
    'En minskning ska vara under nuvarande {current} %.',
    'A decrease must be below the current {current} %.',
  ),
  issue_paused: e('Arbetsträningen är pausad: återuppta först.', 'The training is paused: resume first.'),
  issue_alreadyPaused: e('Arbetsträningen är redan pausad.', 'The training is already paused.'),
  issue_noWorkingTime: e('Ingen arbetstid är satt ännu.', 'No working time has been set yet.'),
  issue_tooMany: e('För många poster.', 'Too many entries.'),
  // The participant's own page (their link): plain words
  p_what: e('Vad', 'What'),
  p_when: e('När', 'When'),
  p_where: e('Var', 'Where'),
  p_phone: e('Telefon', 'Phone'),
  p_meeting_studyVisit: e('Studiebesök', 'Study visit'),
  p_meeting_startup: e('Uppstartsmöte', 'Start-up meeting'),
  p_meeting_followUp: e('Uppföljningsmöte', 'Follow-up meeting'),
  p_meeting_closing: e('Avslutningsmöte', 'Closing meeting'),
  p_question: e('Kommer du?', 'Are you coming?'),
  p_answer: e('Ditt svar', 'Your answer'),
  p_coming: e('Ja, jag kommer', 'Yes, I am coming'),
  p_otherTime: e('Jag vill ha en annan tid', 'I would like another time'),
  p_message: e('Meddelande (om du vill)', 'Message (if you like)'),
  p_messageHint: e(
    'Till exempel vilka tider som passar dig. Högst 500 tecken.',
    'For example which times suit you. At most 500 characters.',
  ),
  p_send: e('Skicka svaret', 'Send the answer'),
  p_thanks: e('Tack för ditt svar', 'Thank you for your answer'),
  p_thanksComing: e('Vi har fått ditt svar. Välkommen!', 'We have your answer. Welcome!'),
  p_thanksOtherTime: e(
    'Vi har fått ditt svar. Vi hör av oss med en ny tid.',
    'We have your answer. We will get back to you with a new time.',
  ),
  p_goneTitle: e('Länken fungerar inte längre', 'The link no longer works'),
  p_gone_unknown: e(
    'Vi hittar inte den här länken. Kontrollera att hela länken kom med.',
    'We cannot find this link. Check that the whole link was copied.',
  ),
  p_gone_answered: e(
    'Ditt svar är redan registrerat. Du behöver inte svara igen.',
    'Your answer is already recorded. You do not need to answer again.',
  ),
  p_gone_moved: e(
    'Mötet har fått en ny tid. Använd länken i det senaste mejlet.',
    'The meeting has a new time. Use the link in the latest e-mail.',
  ),
  p_gone_cancelled: e('Mötet är inställt.', 'The meeting is cancelled.'),
  p_gone_passed: e('Mötet har redan börjat eller är över.', 'The meeting has already started or is over.'),
  p_callUs: e('Frågor? Ring oss på', 'Questions? Call us on'),
  p_askStaff: e('Frågor? Kontakta din handläggare.', 'Questions? Contact your case officer.'),
  'issue_answer.required': e('Välj ett svar.', 'Choose an answer.'),
  participantAnswer: e('Deltagarens svar', "The participant's answer"),
  participantAnswers: e('Deltagarnas svar på kommande möten', "Participants' answers to coming meetings"),
  answerComingShort: e('Kommer', 'Coming'),
  answerOtherTimeShort: e('Vill ha en annan tid', 'Would like another time'),
  meeting: e('Möte', 'Meeting'),
  answerComing: e('deltagaren kommer', 'the participant is coming'),
  answerOtherTime: e('deltagaren vill ha en annan tid', 'the participant would like another time'),
  // Page words
  refusedTitle: e('Inget sparades', 'Nothing was saved'),
  nextMeeting: e('Nästa möte', 'Next meeting'),
  placesAndQueues: e('Platser och kö per arbetsplats', 'Places and queue per work place'),
  placesUsed: e('Platser använda', 'Places used'),
  queue: e('Kö (i turordning)', 'Queue (in order)'),
  unit: e('Arbetsplats', 'Work place'),
  choose: e('Välj', 'Choose'),
  entryStatistics: e('Uppgifter för ESF+-statistik', 'Details for the ESF+ statistics'),
  entryStatisticsHint: e(
    'Används bara för statistik. Funktionsnedsättning och bakgrund är frivilliga: välj "Vill inte uppge".',
    'Used for statistics only. Disability and background are voluntary: choose "Do not want to say".',
  ),
  place: e('Plats', 'Place'),
  placeHeld: e('Har plats', 'Holds a place'),
  placeQueued: e('I kö', 'In the queue'),
  placeReleased: e('Platsen är lämnad tillbaka', 'The place has been given back'),
  workingTime: e('Arbetstid', 'Working time'),
  week: e('vecka', 'week'),
  meetings: e('Möten', 'Meetings'),
  recorded: e('registrerat', 'recorded'),
  invitationSent: e('inbjudan skickad', 'invitation sent'),
  invitationPending: e('inbjudan skickas', 'invitation being sent'),
  updateSent: e('flyttat, ny tid skickad', 'moved, new time sent'),
  reminderSent: e('påminnelse skickad', 'reminder sent'),
  meetingCancelled: e('avbokat, alla meddelade', 'cancelled, everyone told'),
  cancellationPending: e('avbokat, meddelande skickas', 'cancelled, notice being sent'),
  cancelMeetingHint: e(
    'Alla som är bjudna till mötet får ett meddelande om att det är inställt. Därefter kan ett nytt möte bokas.',
    'Everyone invited to the meeting is told that it is cancelled. A new meeting can then be booked.',
  ),
  plan: e('Individuell planering', 'Individual plan'),
  workingTimeHistory: e('Arbetstid över tid', 'Working time over time'),
  talks: e('Handledningssamtal', 'Supervision talks'),
  capacityDeclined: e('försämrad arbetsförmåga', 'capacity declined'),
  followUps: e('Uppföljningsmöten', 'Follow-up meetings'),
  pauses: e('Pauser', 'Pauses'),
  ongoing: e('pågår', 'ongoing'),
  activities: e('Aktiviteter', 'Activities'),
  closingRecord: e('Avslut', 'Closing'),
  afterFourWeeks: e('Fyra veckor efter avslut', 'Four weeks after the end'),
  afterSixMonths: e('Sex månader efter avslut', 'Six months after the end'),
  history: e('Det som har hänt', 'What has happened'),
  opensAfterMeeting: e(
    '{meeting} är bokat {start}, {location}. Formuläret visas här när mötet har börjat.',
    '{meeting} is booked for {start}, {location}. The form appears here once the meeting has started.',
  ),
  problemBanner: e(
    'Ett steg i arbetsflödet misslyckades, t.ex. ett e-postmeddelande som inte kunde skickas. Rätta uppgifterna nedan och fortsätt.',
    'A workflow step failed, for example an e-mail that could not be sent. Correct the details below and continue.',
  ),
  correctAddressIntro: e(
    'E-post till en adress i ärendet kom inte fram. Kontrollera adressen, till exempel med personen på telefon, och rätta den. Är adressen rätt, spara den som den är.',
    'E-mail to an address on the case did not arrive. Check the address, for example with the person by phone, and correct it. If the address is right, save it as it is.',
  ),
  address_participant: e('Deltagarens e-postadress', "The participant's e-mail address"),
  address_caseOfficer: e('Handläggarens e-postadress', "The case officer's e-mail address"),
  address_supervisor: e('Handledarens e-postadress', "The supervisor's e-mail address"),
  addressProblem_bounce: e('E-post till adressen kom inte fram.', 'E-mail to this address did not arrive.'),
  addressProblem_complaint: e(
    'Mottagaren markerade e-post från oss som skräppost.',
    'The recipient marked e-mail from us as spam.',
  ),
  mailProblemBanner: e(
    'E-post till en adress i ärendet kom inte fram. Kontrollera e-postadressen.',
    'E-mail to an address on the case did not arrive. Check the e-mail address.',
  ),
  repairIntro: e('Kontrollera deltagarens kontaktuppgifter.', "Check the participant's contact details."),
  todoTitle: e('Att göra', 'To do'),
  todoEmpty: e('Du har inget att göra just nu.', 'You have nothing to do right now.'),
  due: e('Ska vara klart', 'Due'),
  overdue: e('Försenat', 'Overdue'),
  waitingSince: e('Väntar sedan', 'Waiting since'),
  whatToDo: e('Vad', 'What'),
};

const REFUSALS: Record<string, Entry> = {
  alreadyDone: e(
    'Det här steget är redan gjort med andra uppgifter. Inget sparades. Ladda om sidan för att se vad som gäller.',
    'This step has already been done with other details. Nothing was saved. Reload the page to see what applies.',
  ),
  notNow: e(
    'Det här går inte att göra i ärendets nuvarande steg. Inget sparades.',
    "This cannot be done in the case's current step. Nothing was saved.",
  ),
  needsRepair: e(
    'Ett misslyckat steg måste rättas först. Inget sparades.',
    'A failed step must be corrected first. Nothing was saved.',
  ),
  closed: e('Ärendet är avslutat. Inget sparades.', 'The case is closed. Nothing was saved.'),
  followUpPending: e(
    'Ett uppföljningsmöte är redan bokat och inte registrerat. Registrera det först. Inget sparades.',
    'A follow-up meeting is already booked and not recorded. Record it first. Nothing was saved.',
  ),
  noMeeting: e(
    'Det finns inget bokat möte att registrera. Inget sparades.',
    'There is no booked meeting to record. Nothing was saved.',
  ),
  meetingNotHeld: e(
    'Mötet har inte ägt rum än ({start}). Registrera det efteråt. Inget sparades.',
    'The meeting has not taken place yet ({start}). Record it afterwards. Nothing was saved.',
  ),
  noSuchMeeting: e(
    'Mötet finns inte i ärendet. Ladda om sidan. Inget sparades.',
    'The meeting is not in the case. Reload the page. Nothing was saved.',
  ),
  meetingCancelled: e(
    'Mötet är redan avbokat. Inget sparades.',
    'The meeting is already cancelled. Nothing was saved.',
  ),
  meetingRecorded: e(
    'Mötet är redan registrerat och kan inte flyttas eller avbokas. Inget sparades.',
    'The meeting is already recorded and cannot be moved or cancelled. Nothing was saved.',
  ),
  noMailProblem: e(
    'Det finns ingen e-postadress att kontrollera i ärendet. Inget sparades.',
    'There is no e-mail address to check on the case. Nothing was saved.',
  ),
  sixMonthsNotYet: e(
    'Sexmånadersuppföljningen öppnar {from}. Inget sparades.',
    'The six-month follow-up opens on {from}. Nothing was saved.',
  ),
};

export function processText(lang: Lang, key: string): string | undefined {
  return (
    PROCESS_TEXTS[key]?.[lang] ?? consoleText(lang, key) ?? adminText(lang, key) ?? privacyText(lang, key)
  );
}

export function refusalText(lang: Lang, code: string, params: Record<string, string | number>): string {
  const entry = REFUSALS[code] ?? REFUSALS.notNow;
  const text = entry ? entry[lang] : code;
  return text.replace(/\{(\w+)\}/g, (_m, k: string) => {
    const v = params[k];
    if (v === undefined) return '';
    return typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(v)
      ? dateTimeFormat(lang === 'sv' ? 'sv-SE' : 'en-GB', {
          timeZone: 'Europe/Stockholm',
          dateStyle: 'medium',
          timeStyle: 'short',
        }).format(new Date(v))
      : String(v);
  });
}

export const REFUSAL_CODES = Object.keys(REFUSALS);
