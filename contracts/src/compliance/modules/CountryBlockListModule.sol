// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ComplianceModuleBase} from "./ComplianceModuleBase.sol";

/// @title Country block list: recipients registered in a blocked country are refused.
contract CountryBlockListModule is ComplianceModuleBase {
    error CountryBlocked(address recipient, uint16 country);

    event CountryBlockSet(address indexed engine, uint16 indexed country, bool blocked);

    mapping(bytes32 scope => mapping(uint16 country => bool)) private _blocked;

    function hooks() external pure returns (uint8) {
        return 0;
    }

    function name() external pure returns (string memory) {
        return "CountryBlockList";
    }

    function setCountryBlocked(uint16 country, bool blocked) public onlyEngine {
        _blocked[_scope(msg.sender)][country] = blocked;
        emit CountryBlockSet(msg.sender, country, blocked);
    }

    function batchSetCountryBlocked(uint16[] calldata countries, bool blocked) external onlyEngine {
        for (uint256 i = 0; i < countries.length; ++i) {
            setCountryBlocked(countries[i], blocked);
        }
    }

    function isCountryBlocked(address engine, uint16 country) external view returns (bool) {
        return _blocked[_scope(engine)][country];
    }

    function checkTransfer(address token, address, address to, uint256) external view {
        uint16 country = _identityRegistry(token).investorCountry(to);
        if (_blocked[_scope(msg.sender)][country]) revert CountryBlocked(to, country);
    }
}
