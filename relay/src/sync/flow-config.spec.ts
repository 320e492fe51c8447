import { expect } from 'chai';
import { DomainError } from '../common/domain-error.js';
import { parseFlowConfig } from './flow-config.js';

describe('parseFlowConfig', () => {
  it('fills every default, so an empty config is a working one', () => {
    const config = parseFlowConfig('sap-customers-to-zoho-accounts', {});
    expect(config).to.include({ site: 'default', companyCode: '1000', keyField: 'SAP_Customer_Number' });
    expect(config.fields).to.include({ name: 'Account_Name', creditLimit: 'SAP_Credit_Limit' });
  });

  it('names every bad field at once, with its path', () => {
    let error: unknown;
    try {
      parseFlowConfig('zoho-purchase-orders-to-sap', { plant: 'TOO-LONG', materials: { Pump: '' }, extra: 1 });
    } catch (err) {
      error = err;
    }
    expect(error).to.be.instanceOf(DomainError);
    const message = (error as DomainError).message;
    expect(message).to.contain('config.plant').and.to.contain('config.materials.Pump').and.to.contain('extra');
    expect((error as DomainError).detail['fields']).to.contain('config.plant');
  });

  it('refuses a Zoho field name that is not an API name and an unknown ownership rule', () => {
    expect(() => parseFlowConfig('sap-vendors-zoho-vendors', { fields: { city: 'City Name' } })).to.throw(DomainError, 'config.fields.city');
    expect(() => parseFlowConfig('sap-vendors-zoho-vendors', { ownership: { name: 'both' } })).to.throw(DomainError, 'config.ownership.name');
  });
});
