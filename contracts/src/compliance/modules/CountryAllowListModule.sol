// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ComplianceModuleBase} from "./ComplianceModuleBase.sol";

/// @title Country allow list: the recipient's registered country (ISO 3166-1 numeric)
/// must be allowed.
contract CountryAllowListModule is ComplianceModuleBase {
    error CountryNotAllowed(address recipient, uint16 country);

    event CountryAllowed(address indexed engine, uint16 indexed country, bool allowed);

    mapping(bytes32 scope => mapping(uint16 country => bool)) private _allowed;

    function hooks() external pure returns (uint8) {
        return 0;
    }

    function name() external pure returns (string memory) {
        return "CountryAllowList";
    }

    function setCountryAllowed(uint16 country, bool allowed) public onlyEngine {
        _allowed[_scope(msg.sender)][country] = allowed;
        emit CountryAllowed(msg.sender, country, allowed);
    }

    function batchSetCountryAllowed(uint16[] calldata countries, bool allowed) external onlyEngine {
        for (uint256 i = 0; i < countries.length; ++i) {
            setCountryAllowed(countries[i], allowed);
        }
    }

    function isCountryAllowed(address engine, uint16 country) external view returns (bool) {
        return _allowed[_scope(engine)][country];
    }

    function checkTransfer(address token, address, address to, uint256) external view {
        uint16 country = _identityRegistry(token).investorCountry(to);
        if (!_allowed[_scope(msg.sender)][country]) revert CountryNotAllowed(to, country);
    }
}
