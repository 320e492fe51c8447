import { table, type TableDef } from './ddic.js';

/*
 * Each table carries a subset of its real fields, in the real order and with the real names,
 * types and lengths (ECC 6.0 DDIC), so offsets and row widths add up as on a real system for the
 * fields present. Fields left out are ones the connector never reads. CDPOS keeps VALUE_NEW and
 * VALUE_OLD (CHAR 254 each), so selecting all of its fields exceeds RFC_READ_TABLE's 512 bytes,
 * as it does on a real system.
 */
export const TABLES: TableDef[] = [
  table('KNA1', 'General Data in Customer Master', [
    '*MANDT C 3 Client', '*KUNNR C 10 Customer Number', 'LAND1 C 3 Country Key', 'NAME1 C 35 Name',
    'NAME2 C 35 Name 2', 'ORT01 C 35 City', 'PSTLZ C 10 Postal Code', 'REGIO C 3 Region',
    'SORTL C 10 Sort field', 'STRAS C 35 House number and street', 'TELF1 C 16 First telephone number',
    'TELFX C 31 Fax Number', 'XCPDK C 1 One-time account', 'ADRNR C 10 Address', 'ANRED C 15 Title',
    'AUFSD C 2 Central order block', 'BRSCH C 4 Industry key', 'ERDAT D 8 Created on', 'ERNAM C 12 Created by',
    'KTOKD C 4 Customer Account Group', 'LIFNR C 10 Vendor', 'LOEVM C 1 Central Deletion Flag',
    'SPERR C 1 Central posting block', 'SPRAS C 1 Language Key', 'STCD1 C 16 Tax Number 1',
    'STCEG C 20 VAT Registration Number',
  ], { widerThan512: true }),
  table('KNB1', 'Customer Master (Company Code)', [
    '*MANDT C 3 Client', '*KUNNR C 10 Customer Number', '*BUKRS C 4 Company Code', 'ERDAT D 8 Created on',
    'ERNAM C 12 Created by', 'SPERR C 1 Posting block for company code', 'LOEVM C 1 Deletion Flag',
    'ZUAWA C 3 Key for sorting according to assignment numbers', 'AKONT C 10 Reconciliation Account',
    'ZWELS C 10 List of Payment Methods', 'ZTERM C 4 Terms of Payment Key',
  ]),
  table('KNVV', 'Customer Master Sales Data', [
    '*MANDT C 3 Client', '*KUNNR C 10 Customer Number', '*VKORG C 4 Sales Organization',
    '*VTWEG C 2 Distribution Channel', '*SPART C 2 Division', 'ERNAM C 12 Created by', 'ERDAT D 8 Created on',
    'LOEVM C 1 Deletion flag', 'AUFSD C 2 Order block', 'KDGRP C 2 Customer group', 'BZIRK C 6 Sales district',
    'INCO1 C 3 Incoterms (Part 1)', 'INCO2 C 28 Incoterms (Part 2)', 'VSBED C 2 Shipping Conditions',
    'WAERS C 5 Currency', 'ZTERM C 4 Terms of Payment Key', 'VWERK C 4 Delivering Plant',
    'VKGRP C 3 Sales Group', 'VKBUR C 4 Sales Office',
  ]),
  table('KNKK', 'Customer master credit management: Control area data', [
    '*MANDT C 3 Client', '*KUNNR C 10 Customer Number', '*KKBER C 4 Credit control area',
    'KLIMK P 15.2 Customer\'s credit limit', 'KNKLI C 10 Customer\'s account number with credit limit reference',
    'SAUFT P 15.2 Sales order value', 'SKFOR P 15.2 Total receivables', 'SSOBL P 15.2 Special liabilities',
    'UEDAT D 8 Date of last update', 'XCHNG C 1 Indicator: Credit limit changed', 'ERNAM C 12 Created by',
    'ERDAT D 8 Created on', 'CTLPC C 3 Credit management: Risk category', 'DTREV D 8 Last internal review',
    'CRBLB C 1 Blocked by credit management', 'SBGRP C 3 Credit representative group', 'NXTRV D 8 Next internal review',
  ]),
  table('KNVK', 'Contact Person', [
    '*MANDT C 3 Client', '*PARNR C 10 Number of contact person', 'KUNNR C 10 Customer Number',
    'NAMEV C 35 First name', 'NAME1 C 35 Name 1', 'ABTNR C 4 Contact person department',
    'PAFKT C 2 Contact person function', 'TELF1 C 16 First telephone number', 'SORTL C 10 Sort field',
    'ANRED C 30 Form of address for contact person', 'LOEVM C 1 Deletion Indicator',
  ]),
  table('LFA1', 'Vendor Master (General Section)', [
    '*MANDT C 3 Client', '*LIFNR C 10 Account Number of Vendor', 'LAND1 C 3 Country Key', 'NAME1 C 35 Name',
    'NAME2 C 35 Name 2', 'ORT01 C 35 City', 'PSTLZ C 10 Postal Code', 'REGIO C 3 Region',
    'SORTL C 10 Sort field', 'STRAS C 35 House number and street', 'ADRNR C 10 Address', 'ANRED C 15 Title',
    'BRSCH C 4 Industry key', 'ERDAT D 8 Created on', 'ERNAM C 12 Created by', 'KTOKK C 4 Vendor account group',
    'KUNNR C 10 Customer Number', 'LOEVM C 1 Central Deletion Flag', 'SPERR C 1 Central posting block',
    'SPERM C 1 Centrally imposed purchasing block', 'SPRAS C 1 Language Key', 'STCD1 C 16 Tax Number 1',
    'TELF1 C 16 First telephone number', 'STCEG C 20 VAT Registration Number',
  ], { widerThan512: true }),
  table('LFB1', 'Vendor Master (Company Code)', [
    '*MANDT C 3 Client', '*LIFNR C 10 Account Number of Vendor', '*BUKRS C 4 Company Code', 'ERDAT D 8 Created on',
    'ERNAM C 12 Created by', 'SPERR C 1 Posting block for company code', 'LOEVM C 1 Deletion Flag',
    'ZUAWA C 3 Key for sorting according to assignment numbers', 'AKONT C 10 Reconciliation Account',
    'ZWELS C 10 List of Payment Methods', 'ZTERM C 4 Terms of Payment Key', 'REPRF C 1 Check Flag for Double Invoices',
  ]),
  table('LFM1', 'Vendor master record purchasing organization data', [
    '*MANDT C 3 Client', '*LIFNR C 10 Account Number of Vendor', '*EKORG C 4 Purchasing Organization',
    'ERDAT D 8 Created on', 'ERNAM C 12 Created by', 'SPERM C 1 Purchasing block', 'LOEVM C 1 Deletion flag',
    'WAERS C 5 Purchase order currency', 'VERKF C 30 Responsible salesperson', 'TELF1 C 16 Telephone',
    'ZTERM C 4 Terms of Payment Key', 'INCO1 C 3 Incoterms (Part 1)', 'INCO2 C 28 Incoterms (Part 2)',
    'WEBRE C 1 GR-Based Invoice Verification',
  ]),
  table('EKKO', 'Purchasing Document Header', [
    '*MANDT C 3 Client', '*EBELN C 10 Purchasing Document Number', 'BUKRS C 4 Company Code',
    'BSTYP C 1 Purchasing Document Category', 'BSART C 4 Purchasing Document Type', 'LOEKZ C 1 Deletion Indicator',
    'STATU C 1 Status of Purchasing Document', 'AEDAT D 8 Created on', 'ERNAM C 12 Created by',
    'LIFNR C 10 Vendor', 'SPRAS C 1 Language Key', 'ZTERM C 4 Terms of Payment Key',
    'EKORG C 4 Purchasing Organization', 'EKGRP C 3 Purchasing Group', 'WAERS C 5 Currency Key',
    'BEDAT D 8 Purchasing Document Date', 'IHREZ C 12 Your Reference', 'VERKF C 30 Responsible Salesperson',
    'UNSEZ C 12 Our Reference',
  ], { widerThan512: true }),
  table('EKPO', 'Purchasing Document Item', [
    '*MANDT C 3 Client', '*EBELN C 10 Purchasing Document Number', '*EBELP N 5 Item Number of Purchasing Document',
    'LOEKZ C 1 Deletion Indicator', 'STATU C 1 RFQ status', 'AEDAT D 8 Item change date', 'TXZ01 C 40 Short Text',
    'MATNR C 18 Material', 'BUKRS C 4 Company Code', 'WERKS C 4 Plant', 'LGORT C 4 Storage Location',
    'MATKL C 9 Material Group', 'MENGE P 13.3 Purchase Order Quantity', 'MEINS C 3 Order Unit',
    'NETPR P 11.2 Net Price', 'PEINH P 5 Price Unit', 'NETWR P 13.2 Net Order Value',
  ], { widerThan512: true }),
  table('EKET', 'Scheduling Agreement Schedule Lines', [
    '*MANDT C 3 Client', '*EBELN C 10 Purchasing Document Number', '*EBELP N 5 Item Number of Purchasing Document',
    '*ETENR N 4 Delivery Schedule Line Counter', 'EINDT D 8 Item delivery date', 'SLFDT D 8 Statistics-Relevant Delivery Date',
    'MENGE P 13.3 Scheduled Quantity', 'WEMNG P 13.3 Quantity of Goods Received',
  ]),
  table('BKPF', 'Accounting Document Header', [
    '*MANDT C 3 Client', '*BUKRS C 4 Company Code', '*BELNR C 10 Accounting Document Number',
    '*GJAHR N 4 Fiscal Year', 'BLART C 2 Document Type', 'BLDAT D 8 Document Date', 'BUDAT D 8 Posting Date',
    'MONAT N 2 Fiscal Period', 'CPUDT D 8 Entry Date', 'CPUTM T 6 Time of Entry', 'USNAM C 12 User name',
    'TCODE C 20 Transaction Code', 'XBLNR C 16 Reference Document Number', 'BKTXT C 25 Document Header Text',
    'WAERS C 5 Currency Key', 'AWTYP C 5 Reference Transaction', 'AWKEY C 20 Reference Key',
  ], { widerThan512: true }),
  table('BSEG', 'Accounting Document Segment', [
    '*MANDT C 3 Client', '*BUKRS C 4 Company Code', '*BELNR C 10 Accounting Document Number',
    '*GJAHR N 4 Fiscal Year', '*BUZEI N 3 Line item', 'AUGDT D 8 Clearing Date', 'AUGBL C 10 Clearing document',
    'BSCHL C 2 Posting Key', 'KOART C 1 Account Type', 'SHKZG C 1 Debit/Credit Indicator', 'MWSKZ C 2 Tax Code',
    'DMBTR P 13.2 Amount in Local Currency', 'WRBTR P 13.2 Amount in Document Currency', 'SGTXT C 50 Item Text',
    'KOSTL C 10 Cost Center', 'SAKNR C 10 G/L Account Number', 'HKONT C 10 General Ledger Account',
    'KUNNR C 10 Customer Number', 'LIFNR C 10 Account Number of Vendor', 'ZFBDT D 8 Baseline Date for Due Date',
    'ZTERM C 4 Terms of Payment Key',
  ], { widerThan512: true }),
  table('SKA1', 'G/L Account Master (Chart of Accounts)', [
    '*MANDT C 3 Client', '*KTOPL C 4 Chart of Accounts', '*SAKNR C 10 G/L Account Number',
    'XBILK C 1 Indicator: Account is a balance sheet account?', 'SAKAN C 10 G/L Account Number, Significant Length',
    'ERDAT D 8 Created on', 'ERNAM C 12 Created by', 'GVTYP C 2 P&L statement account type', 'KTOKS C 4 G/L Account Group',
  ]),
  table('SKB1', 'G/L account master (company code)', [
    '*MANDT C 3 Client', '*BUKRS C 4 Company Code', '*SAKNR C 10 G/L Account Number', 'ERDAT D 8 Created on',
    'ERNAM C 12 Created by', 'MITKZ C 1 Account is reconciliation account', 'MWSKZ C 2 Tax Category',
    'WAERS C 5 Account Currency', 'XOPVW C 1 Open Item Management',
  ]),
  table('T001', 'Company Codes', [
    '*MANDT C 3 Client', '*BUKRS C 4 Company Code', 'BUTXT C 25 Name of Company Code or Company', 'ORT01 C 25 City',
    'LAND1 C 3 Country Key', 'WAERS C 5 Currency Key', 'SPRAS C 1 Language Key', 'KTOPL C 4 Chart of Accounts',
    'PERIV C 2 Fiscal Year Variant',
  ]),
  table('T001W', 'Plants/Branches', [
    '*MANDT C 3 Client', '*WERKS C 4 Plant', 'NAME1 C 30 Name', 'BWKEY C 4 Valuation Area', 'LAND1 C 3 Country Key',
  ]),
  table('MARA', 'General Material Data', [
    '*MANDT C 3 Client', '*MATNR C 18 Material Number', 'ERSDA D 8 Created On', 'ERNAM C 12 Name of Person who Created the Object',
    'MTART C 4 Material Type', 'MATKL C 9 Material Group', 'MEINS C 3 Base Unit of Measure',
  ], { widerThan512: true }),
  table('MARC', 'Plant Data for Material', [
    '*MANDT C 3 Client', '*MATNR C 18 Material Number', '*WERKS C 4 Plant', 'PSTAT C 15 Maintenance status',
    'LVORM C 1 Flag Material for Deletion at Plant Level', 'EKGRP C 3 Purchasing Group',
  ], { widerThan512: true }),
  table('CDHDR', 'Change document header', [
    '*MANDANT C 3 Client', '*OBJECTCLAS C 15 Object class', '*OBJECTID C 90 Object value',
    '*CHANGENR C 10 Document change number', 'USERNAME C 12 User name of the person responsible in change document',
    'UDATE D 8 Creation date of the change document', 'UTIME T 6 Time changed',
    'TCODE C 20 Transaction in which a change was made', 'CHANGE_IND C 1 Application object change type (U, I, E, D)',
  ]),
  table('CDPOS', 'Change document items', [
    '*MANDANT C 3 Client', '*OBJECTCLAS C 15 Object class', '*OBJECTID C 90 Object value',
    '*CHANGENR C 10 Document change number', '*TABNAME C 30 Table Name', '*TABKEY C 70 Changed table record key',
    '*FNAME C 30 Field Name', '*CHNGIND C 1 Change Type (U, I, S, D, E, J)', 'TEXT_CASE C 1 Flag: X=Text change',
    'UNIT_OLD C 3 Change documents, unit referenced', 'UNIT_NEW C 3 Change documents, unit referenced',
    'CUKY_OLD C 5 Change documents, referenced currency', 'CUKY_NEW C 5 Change documents, referenced currency',
    'VALUE_NEW C 254 New contents of changed field', 'VALUE_OLD C 254 Old contents of changed field',
  ]),
  table('USR02', 'Logon Data (Kernel-Side Use)', [
    '*MANDT C 3 Client', '*BNAME C 12 User Name in User Master Record', 'BCODE C 8 Password hash key',
    'GLTGV D 8 User valid from', 'GLTGB D 8 User valid to', 'USTYP C 1 User Type',
  ], { restricted: true }),
];

export const TABLE_BY_NAME = new Map(TABLES.map((t) => [t.name, t]));
